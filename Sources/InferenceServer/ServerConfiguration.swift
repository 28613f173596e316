/// How `alignscope serve` listens and what it refuses.
public struct ServerConfiguration: Sendable, Hashable {
    /// Loopback unless asked otherwise: the server has no authentication.
    public var host: String
    /// 0 picks a free port (tests); ``InferenceServer/run(onListening:)`` reports the one bound.
    public var port: Int
    /// Largest request body accepted, in bytes (413 beyond).
    public var maxRequestBytes: Int
    /// Largest `max_tokens` accepted.
    public var maxTokens: Int
    /// Most prompts in one `/v1/completions` request.
    public var maxPromptsPerRequest: Int
    /// Largest `logprobs` (top alternatives per position) accepted.
    public var maxTopLogprobs: Int
    /// Requests waiting for the engine beyond which new ones get 503 + `Retry-After`.
    public var maxQueuedRequests: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, maxRequestBytes: Int = 4 << 20, maxTokens: Int = 4096,
                maxPromptsPerRequest: Int = 64, maxTopLogprobs: Int = 20, maxQueuedRequests: Int = 1024) {
        self.host = host
        self.port = port
        self.maxRequestBytes = maxRequestBytes
        self.maxTokens = maxTokens
        self.maxPromptsPerRequest = maxPromptsPerRequest
        self.maxTopLogprobs = maxTopLogprobs
        self.maxQueuedRequests = maxQueuedRequests
    }
}
