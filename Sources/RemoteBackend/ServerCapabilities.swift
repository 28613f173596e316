/// What a server turned out to support when ``RemoteModel/probe()`` asked it.
public struct ServerCapabilities: Sendable, Hashable, CustomStringConvertible {
    /// How candidate continuations can be scored on this server.
    public enum Scoring: Sendable, Hashable {
        /// `/v1/completions` with `echo: true, logprobs: 1` and this `max_tokens` (vLLM, llama-cpp-python,
        /// `alignscope serve`).
        case echoedLogprobs(maxTokens: Int)
        /// TGI's native `/generate` with `decoder_input_details: true`.
        case tgiPrefill
        /// Neither works; the reason quotes what the server said.
        case impossible(reason: String)
    }

    /// Who the server says it is (`owned_by` of the model in `/v1/models`: `vllm`, `alignscope`, `llamacpp`, …).
    public var server: String
    /// The model ids the server lists.
    public var models: [String]
    public var scoring: Scoring
    /// The server's context length for the model, where it says (vLLM's `max_model_len`).
    public var contextLength: Int?
    /// Why scores from this server deserve suspicion although it can score (e.g. the alignment of its echoed
    /// logprobs could not be checked); `nil` when nothing is known against them.
    public var caveat: String?

    public init(server: String, models: [String], scoring: Scoring, contextLength: Int? = nil, caveat: String? = nil) {
        self.server = server
        self.models = models
        self.scoring = scoring
        self.contextLength = contextLength
        self.caveat = caveat
    }

    public var canScore: Bool {
        if case .impossible = scoring { false } else { true }
    }

    public var description: String {
        let scoringText = switch scoring {
        case .echoedLogprobs(let maxTokens): "prompt logprobs via /v1/completions (echo, max_tokens=\(maxTokens))"
        case .tgiPrefill: "prompt logprobs via TGI /generate (decoder_input_details)"
        case .impossible(let reason): "scoring impossible: \(reason)"
        }
        return "\(server) server; \(scoringText)\(contextLength.map { "; context \($0)" } ?? "")\(caveat.map { "; caution: \($0)" } ?? "")"
    }
}
