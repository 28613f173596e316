/// Names a model for caches and reports. Two identities are equal only if they produce the same numbers.
public struct ModelIdentity: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The user's name for the model in this session (`load NAME …`).
    public var name: String
    /// Where the weights come from: a file path or `server-url#model-id`.
    public var source: String
    /// A content fingerprint of the weights (e.g. a hash of the file's header and size), or the server's model id.
    public var fingerprint: String
    /// Which tokenizer produced the token ids behind the numbers (e.g. `tokenizer.json (BPE, 49152)`).
    public var tokenizer: String

    public init(name: String, source: String, fingerprint: String, tokenizer: String) {
        self.name = name
        self.source = source
        self.fingerprint = fingerprint
        self.tokenizer = tokenizer
    }

    public var description: String { name }
}

/// How a candidate continuation is scored; every reported number names the method that produced it.
public enum ScoringMethod: String, Sendable, Codable, CaseIterable {
    /// Mean negative log-likelihood of the continuation's tokens (the study's method).
    case meanNLL = "mean-nll"
    /// Probability of the continuation's first token right after the prompt (Anthropic's original method).
    case nextToken = "next-token"
}

public struct ScoringRequest: Hashable, Sendable, Codable {
    public var prompt: String
    public var candidates: [String]

    public init(prompt: String, candidates: [String]) {
        self.prompt = prompt
        self.candidates = candidates
    }
}

public struct CandidateScore: Hashable, Sendable, Codable {
    public var candidate: String
    /// Mean negative log-likelihood (natural log) of the scored tokens; for `.nextToken`, −log p(first token).
    public var meanNLL: Double
    /// How many tokens were scored.
    public var tokenCount: Int
    /// Renormalised over the request's candidates.
    public var probability: Double

    public init(candidate: String, meanNLL: Double, tokenCount: Int, probability: Double) {
        self.candidate = candidate
        self.meanNLL = meanNLL
        self.tokenCount = tokenCount
        self.probability = probability
    }
}

public struct GenerationOptions: Hashable, Sendable, Codable {
    public var maxTokens: Int
    /// 0 means greedy.
    public var temperature: Double
    /// 0 means no top-k cut.
    public var topK: Int
    /// 1 means no nucleus cut.
    public var topP: Double
    public var seed: UInt64
    /// Generation stops before the first occurrence of any of these; the stop string is not returned.
    public var stop: [String]

    public init(maxTokens: Int = 64, temperature: Double = 0, topK: Int = 0, topP: Double = 1,
                seed: UInt64 = 221, stop: [String] = []) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
        self.stop = stop
    }

    public static func greedy(maxTokens: Int) -> GenerationOptions { GenerationOptions(maxTokens: maxTokens) }
}

public struct Generation: Hashable, Sendable, Codable {
    public enum FinishReason: String, Sendable, Codable {
        case length, endOfSequence = "eos", stopString = "stop"
    }

    public var text: String
    public var tokenCount: Int
    public var finishReason: FinishReason

    public init(text: String, tokenCount: Int, finishReason: FinishReason) {
        self.text = text
        self.tokenCount = tokenCount
        self.finishReason = finishReason
    }
}

public struct TokenProbability: Hashable, Sendable, Codable {
    public var id: Int
    /// The token's text as the tokenizer decodes it alone.
    public var text: String
    public var probability: Double

    public init(id: Int, text: String, probability: Double) {
        self.id = id
        self.text = text
        self.probability = probability
    }
}

public struct ChatMessage: Hashable, Sendable, Codable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: "system", content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: "assistant", content: content) }
}

public enum InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The run was interrupted (Ctrl-C); results handed back before this call are complete and valid.
    case cancelled
    /// The backend cannot do this (e.g. a server without prompt logprobs cannot score).
    case unsupported(String)
    /// The input does not fit the model (too long for its context, empty candidate list, …).
    case invalidInput(String)
    /// The backend failed (I/O, HTTP, a malformed response) in a way the message explains.
    case backend(String)

    public var description: String {
        switch self {
        case .cancelled: "cancelled"
        case .unsupported(let why): "unsupported: \(why)"
        case .invalidInput(let why): "invalid input: \(why)"
        case .backend(let why): why
        }
    }
}

/// One token of a text as the model sees it.
public struct TokenLogprob: Hashable, Sendable, Codable {
    public var id: Int
    /// The token's text as it stands in the input (empty for special tokens the tokenizer added, such as BOS).
    public var text: String
    /// Byte offset (UTF-8) of the token's first byte in the input text; added special tokens have offset 0.
    public var offset: Int
    /// Natural-log probability given all tokens before it; `nil` for the first token.
    public var logprob: Double?

    public init(id: Int, text: String, offset: Int, logprob: Double?) {
        self.id = id
        self.text = text
        self.offset = offset
        self.logprob = logprob
    }
}
