import Foundation
import InferenceAPI

/// A ``LanguageModel`` that answers from a ``ResultCache`` and stores every result its wrapped model produces.
///
/// Keys are the wrapped model's identity (fingerprint + source), the kind of call, its parameters and the exact
/// input text, so a rerun, a replayed session or a resumed run asks the backend only for what is missing.
/// Work is handed to the backend in chunks of its ``LanguageModel/preferredBatchSize`` and each chunk is
/// stored as soon as it returns: Ctrl-C or a crash loses at most the chunk in flight.
public final class CachedLanguageModel: LanguageModel {
    public let wrapped: any LanguageModel
    public let cache: ResultCache

    public init(wrapping model: any LanguageModel, cache: ResultCache) {
        self.wrapped = model
        self.cache = cache
    }

    public var identity: ModelIdentity { wrapped.identity }
    public var preferredBatchSize: Int { wrapped.preferredBatchSize }

    private func batch<Output: Codable>(_ kind: ResultKind, _: Output.Type) -> CachedBatch<Int, Output> {
        CachedBatch(cache: cache, model: wrapped.identity, kind: kind, chunkSize: wrapped.preferredBatchSize)
    }

    public func score(_ requests: [ScoringRequest], method: ScoringMethod,
                      control: RunControl) throws -> [[CandidateScore]] {
        let keys = try requests.map { CacheKey(parameters: try CacheCodec.key(["candidates": $0.candidates]), input: $0.prompt) }
        return try batch(.score(method), [CandidateScore].self)
            .run(Array(requests.indices), keys: keys, control: control) { indices, _, chunkControl in
                try wrapped.score(indices.map { requests[$0] }, method: method, control: chunkControl)
            }
            .complete("scoring")
    }

    public func generate(_ prompts: [String], options: GenerationOptions, control: RunControl,
                         onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation] {
        let parameters = try CacheCodec.key(options)
        let keys = prompts.map { CacheKey(parameters: parameters, input: $0) }
        // A prompt asked twice is generated once; both positions see its text stream.
        var positions: [CacheKey: [Int]] = [:]
        for (index, key) in keys.enumerated() { positions[key, default: []].append(index) }
        return try batch(.generation, Generation.self)
            .run(Array(prompts.indices), keys: keys, control: control,
                 onHit: { index, generation in onToken?(index, generation.text) }) { indices, _, chunkControl in
                let streams = indices.map { positions[keys[$0]] ?? [$0] }
                let relay: (@Sendable (Int, String) -> Void)? = onToken.map { onToken in
                    { @Sendable local, piece in
                        guard streams.indices.contains(local) else { return }
                        for index in streams[local] { onToken(index, piece) }
                    }
                }
                return try wrapped.generate(indices.map { prompts[$0] }, options: options, control: chunkControl,
                                            onToken: relay)
            }
            .complete("generation")
    }

    public func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]] {
        try batch(.promptLogprobs, [TokenLogprob].self)
            .run(Array(texts.indices), keys: texts.map { CacheKey(input: $0) }, control: control) { indices, _, chunkControl in
                try wrapped.promptLogprobs(indices.map { texts[$0] }, control: chunkControl)
            }
            .complete("prompt logprobs")
    }

    public func nextTokens(after prompt: String, top: Int) throws -> [TokenProbability] {
        try batch(.nextTokens, [TokenProbability].self)
            .run([0], keys: [CacheKey(parameters: try CacheCodec.key(["top": top]), input: prompt)],
                 control: .none) { _, _, _ in
                [try wrapped.nextTokens(after: prompt, top: top)]
            }
            .complete("next tokens")[0]
    }

    public func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String {
        let input = String(decoding: try CacheCodec.encode(messages), as: UTF8.self)
        let parameters = try CacheCodec.key(["addGenerationPrompt": addGenerationPrompt])
        return try batch(.chatPrompt, String.self)
            .run([0], keys: [CacheKey(parameters: parameters, input: input)], control: .none) { _, _, _ in
                [try wrapped.chatPrompt(messages, addGenerationPrompt: addGenerationPrompt)]
            }
            .complete("chat prompt")[0]
    }
}

/// A ``RewardModel`` that answers from a ``ResultCache`` and stores every reward its wrapped model produces.
public final class CachedRewardModel: RewardModel {
    public let wrapped: any RewardModel
    public let cache: ResultCache

    public init(wrapping model: any RewardModel, cache: ResultCache) {
        self.wrapped = model
        self.cache = cache
    }

    public var identity: ModelIdentity { wrapped.identity }
    public var preferredBatchSize: Int { wrapped.preferredBatchSize }

    public func rewards(for texts: [String], control: RunControl) throws -> [Double] {
        try CachedBatch<String, Double>(cache: cache, model: wrapped.identity, kind: .reward,
                                        chunkSize: wrapped.preferredBatchSize)
            .run(texts, keys: texts.map { CacheKey(input: $0) }, control: control) { chunk, _, chunkControl in
                try wrapped.rewards(for: chunk, control: chunkControl)
            }
            .complete("rewards")
    }
}
