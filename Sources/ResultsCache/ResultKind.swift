import InferenceAPI

/// What a cached result answers. Together with the model, the parameters and the exact input text it forms the
/// cache key; the raw value is what `cache` shows and what the `result.kind` column holds.
public enum ResultKind: Hashable, Sendable, CustomStringConvertible {
    case score(ScoringMethod)
    case generation
    case promptLogprobs
    case nextTokens
    case chatPrompt
    case reward

    public var rawValue: String {
        switch self {
        case .score(let method): "score/\(method.rawValue)"
        case .generation: "generation"
        case .promptLogprobs: "prompt-logprobs"
        case .nextTokens: "next-tokens"
        case .chatPrompt: "chat-prompt"
        case .reward: "reward"
        }
    }

    public var description: String { rawValue }
}
