import InferenceAPI

/// A test model that changes one or two calls of another (slows them, logs them, shifts them) and passes the
/// rest on: conforming types implement only what they change.
public protocol ForwardingLanguageModel: LanguageModel {
    var wrapped: any LanguageModel { get }
}

extension ForwardingLanguageModel {
    public var identity: ModelIdentity { wrapped.identity }
    public var preferredBatchSize: Int { wrapped.preferredBatchSize }

    public func score(_ requests: [ScoringRequest], method: ScoringMethod, control: RunControl) throws -> [[CandidateScore]] {
        try wrapped.score(requests, method: method, control: control)
    }

    public func generate(_ prompts: [String], options: GenerationOptions, control: RunControl,
                         onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation] {
        try wrapped.generate(prompts, options: options, control: control, onToken: onToken)
    }

    public func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]] {
        try wrapped.promptLogprobs(texts, control: control)
    }

    public func nextTokens(after prompt: String, top: Int) throws -> [TokenProbability] {
        try wrapped.nextTokens(after: prompt, top: top)
    }

    public func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String {
        try wrapped.chatPrompt(messages, addGenerationPrompt: addGenerationPrompt)
    }
}
