/// How a ``RemoteModel`` talks to its server. Every field has a `load` option of the same name
/// (`concurrency=8 timeout=120 retries=5`).
public struct RemoteOptions: Sendable, Hashable {
    /// Requests in flight at once. Serving engines batch concurrent requests on the GPU, so this is the
    /// throughput knob; the server's own queue absorbs the rest.
    public var concurrency: Int
    /// Seconds one request may take from sending to the last byte of its response.
    public var timeout: Double
    /// Seconds to wait for a TCP connection.
    public var connectTimeout: Double
    /// Attempts after the first on 408/429/5xx, timeouts and dropped connections.
    public var retries: Int
    /// First backoff delay in seconds; doubled per attempt, jittered, capped by ``maxBackoff``.
    public var backoff: Double
    public var maxBackoff: Double
    /// `max_tokens` sent with prompt-logprob requests: 0 where the server honours it (vLLM, AlignScope),
    /// 1 where 0 means "no limit" (llama-cpp-python); `nil` decides from what the server says it is.
    public var promptMaxTokens: Int?
    /// Largest response body accepted, in bytes.
    public var maxResponseBytes: Int
    /// After Ctrl-C, how long requests already sent may still finish (their results are kept).
    public var cancellationGrace: Double

    public init(concurrency: Int = 8, timeout: Double = 120, connectTimeout: Double = 10, retries: Int = 5,
                backoff: Double = 0.5, maxBackoff: Double = 30, promptMaxTokens: Int? = nil,
                maxResponseBytes: Int = 64 << 20, cancellationGrace: Double = 2) {
        self.concurrency = concurrency
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.retries = retries
        self.backoff = backoff
        self.maxBackoff = maxBackoff
        self.promptMaxTokens = promptMaxTokens
        self.maxResponseBytes = maxResponseBytes
        self.cancellationGrace = cancellationGrace
    }
}
