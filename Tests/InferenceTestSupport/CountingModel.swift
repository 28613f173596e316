import InferenceAPI
import Synchronization

/// Wraps a model and records every input the wrapped model was actually asked to compute, so tests can say
/// exactly what a cache let through.
public final class CountingModel: LanguageModel {
    public let wrapped: any LanguageModel
    private let log = Mutex<[String]>([])
    /// Called before each batch reaches the wrapped model, with the number of batches so far (for tests that
    /// interrupt a run after some chunks).
    private let beforeBatch: (@Sendable (Int) -> Void)?
    private let batches = Atomic<Int>(0)

    public init(wrapping model: any LanguageModel, beforeBatch: (@Sendable (Int) -> Void)? = nil) {
        wrapped = model
        self.beforeBatch = beforeBatch
    }

    public var identity: ModelIdentity { wrapped.identity }
    public var preferredBatchSize: Int { wrapped.preferredBatchSize }

    /// Every computed input, `kind:text`, in order.
    public var computed: [String] { log.withLock { $0 } }

    private func record(_ kind: String, _ inputs: [String]) {
        beforeBatch?(batches.add(1, ordering: .relaxed).newValue)
        log.withLock { $0.append(contentsOf: inputs.map { "\(kind):\($0)" }) }
    }

    public func score(_ requests: [ScoringRequest], method: ScoringMethod, control: RunControl) throws -> [[CandidateScore]] {
        try control.cancellation.check()
        record("score", requests.map(\.prompt))
        return try wrapped.score(requests, method: method, control: control)
    }

    public func generate(_ prompts: [String], options: GenerationOptions, control: RunControl,
                         onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation] {
        try control.cancellation.check()
        record("generate", prompts)
        return try wrapped.generate(prompts, options: options, control: control, onToken: onToken)
    }

    public func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]] {
        try control.cancellation.check()
        record("logprobs", texts)
        return try wrapped.promptLogprobs(texts, control: control)
    }

    public func nextTokens(after prompt: String, top: Int) throws -> [TokenProbability] {
        record("next", [prompt])
        return try wrapped.nextTokens(after: prompt, top: top)
    }

    public func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String {
        record("chat", messages.map(\.content))
        return try wrapped.chatPrompt(messages, addGenerationPrompt: addGenerationPrompt)
    }
}
