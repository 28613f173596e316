import ChatTemplates
import Foundation
import InferenceAPI
import Kernels
import ModelFormats
import Tokenizers

/// A model loaded into this process: its checkpoint, tokenizer, chat template and the transformer, serving
/// the ``LanguageModel`` contract (language-model heads) and ``RewardModel`` (score / value heads).
public final class EngineModel: LanguageModel, RewardModel, @unchecked Sendable {
    public let identity: ModelIdentity
    public let checkpoint: Checkpoint
    public let tokenizer: any Tokenizer
    /// The checkpoint's own chat template, else the study's built-in one its name matches
    /// (``BuiltinTemplate/matching(model:)``: `zephyr-7b-beta`, `Llama-2-7b-chat-hf`, …), else none.
    public let template: ChatTemplate?
    /// The built-in template in use when the checkpoint has none of its own.
    public let builtinTemplate: BuiltinTemplate?
    public let conversion: WeightConversion
    let transformer: Transformer

    public var config: ModelConfig { checkpoint.config }
    public var preferredBatchSize: Int { 16 }

    /// Loads `checkpoint`'s weights (mapping them; converting only when `conversion` asks) and its tokenizer.
    /// - Parameter tokenizer: overrides the checkpoint's own (for weights that come without one).
    /// - Parameter template: one of the study's templates to use instead of the checkpoint's own.
    public init(name: String, checkpoint: Checkpoint, conversion: WeightConversion = .none,
                tokenizer: (any Tokenizer)? = nil, template chosen: BuiltinTemplate? = nil,
                pool: ThreadPool = .shared) throws(EngineError) {
        self.checkpoint = checkpoint
        self.conversion = conversion
        if let tokenizer {
            self.tokenizer = tokenizer
        } else {
            do {
                self.tokenizer = try TokenizerLoader.load(path: Self.tokenizerPath(checkpoint))
            } catch {
                throw EngineError("\(checkpoint.location.path): \(error)")
            }
        }
        if let chosen {
            do { template = try chosen.template() } catch { throw EngineError("built-in template \(chosen.rawValue): \(error)") }
            builtinTemplate = chosen
        } else if let source = checkpoint.tokenizer.chatTemplate {
            do {
                template = try ChatTemplate(source: source.text)
            } catch {
                throw EngineError("\(checkpoint.location.path): chat template: \(error)")
            }
            builtinTemplate = nil
        } else if let builtin = BuiltinTemplate.matching(model: checkpoint.location.path) {
            // The study's checkpoints on the Hub ship their templates, but conversions often drop them.
            do { template = try builtin.template() } catch { throw EngineError("built-in template \(builtin.rawValue): \(error)") }
            builtinTemplate = builtin
        } else {
            template = nil
            builtinTemplate = nil
        }
        let weights = try TransformerWeights(checkpoint: checkpoint, conversion: conversion)
        transformer = try Transformer(weights: weights, ropeLayout: checkpoint.ropeLayout, pool: pool)
        identity = ModelIdentity(name: name, source: checkpoint.location.path,
                                 fingerprint: Self.fingerprint(checkpoint, conversion),
                                 tokenizer: self.tokenizer.summary)
    }

    /// Opens `path` (a GGUF file, a safetensors/PyTorch file or folder) and loads it.
    public convenience init(name: String, path: String, conversion: WeightConversion = .none,
                            pool: ThreadPool = .shared) throws(EngineError) {
        let files: ModelFiles
        do {
            files = try ModelFiles.open(URL(fileURLWithPath: path))
        } catch {
            throw EngineError("\(error)")
        }
        guard case .checkpoint(let checkpoint) = files else {
            throw EngineError("\(path): holds a tokenizer but no model weights")
        }
        try self.init(name: name, checkpoint: checkpoint, conversion: conversion, pool: pool)
    }

    static func tokenizerPath(_ checkpoint: Checkpoint) -> String {
        if checkpoint.format == .gguf { return checkpoint.location.path }
        var isFolder: ObjCBool = false
        FileManager.default.fileExists(atPath: checkpoint.location.path, isDirectory: &isFolder)
        return isFolder.boolValue ? checkpoint.location.path : checkpoint.location.deletingLastPathComponent().path
    }

    /// Size plus a hash of the first megabyte of every weight file, and the conversion: cheap, and changes
    /// whenever the numbers would.
    /// The revision of the engine's arithmetic, part of every fingerprint: results cached by an engine whose
    /// kernels rounded differently (a new GEMM blocking, a vector exp) are not served as this engine's.
    /// Change it whenever a kernel change moves any result's bits.
    static let numericsRevision = "numerics-3 (16-row Q8 panels, blocked attention, vector exp)"

    static func fingerprint(_ checkpoint: Checkpoint, _ conversion: WeightConversion) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        for byte in numericsRevision.utf8 { mix(byte) }
        for file in checkpoint.files {
            for byte in String(file.count).utf8 { mix(byte) }
            for byte in file.bytes.prefix(1 << 20) { mix(byte) }
        }
        for byte in conversion.rawValue.utf8 { mix(byte) }
        return String(hash, radix: 16)
    }

    // MARK: Token-level operations

    /// Ids the model can take: each inside the vocabulary, the whole within the context.
    func validate(_ ids: [Int], what: String) throws(InferenceError) {
        guard !ids.isEmpty else { throw .invalidInput("\(what) tokenizes to no tokens") }
        guard ids.count <= config.contextLength else {
            throw .invalidInput("\(what) is \(ids.count) tokens, longer than the model's context of \(config.contextLength)")
        }
        if let bad = ids.first(where: { $0 < 0 || $0 >= config.vocabularySize }) {
            throw .invalidInput("\(what) has token id \(bad), outside the vocabulary of \(config.vocabularySize)")
        }
    }

    /// Logits at every position `positions` of `ids`, prefilled in chunks so long texts never hold
    /// more than a chunk of logits at once. Calls `body(position, logits)` in order.
    func forEachLogits(_ ids: [Int], positions: Range<Int>, chunk: Int = 256,
                       _ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let cache = transformer.makeCache(capacity: ids.count)
        let vocabulary = config.vocabularySize
        var start = 0
        while start < ids.count {
            let end = min(ids.count, start + chunk)
            let wanted = (start..<end).filter { positions.contains($0) }
            let logits = transformer.forward([SequenceStep(cache: cache, tokens: Array(ids[start..<end]),
                                                           outputs: wanted.map { $0 - start })], output: .logits)
            logits.withUnsafeBufferPointer { all in
                for (i, position) in wanted.enumerated() {
                    body(position, UnsafeBufferPointer(rebasing: all[(i * vocabulary)..<((i + 1) * vocabulary)]))
                }
            }
            start = end
            if start >= positions.upperBound { break }
        }
    }

    /// −log p(token | logits).
    static func negativeLogProbability(_ logits: UnsafeBufferPointer<Float>, _ token: Int) -> Double {
        VectorOps.logSumExp(logits.baseAddress!, count: logits.count) - Double(logits[token])
    }

    /// The mean NLL of `full[from...]` for each candidate sequence, sharing the common prefix: one prefill of
    /// the shared tokens, then every candidate's remaining tokens in one batch of forked caches.
    func meanNLL(candidates fulls: [[Int]], scoredFrom start: Int) -> [(meanNLL: Double, count: Int)] {
        let first = max(start, 1)
        var shared = fulls[0].count
        for full in fulls.dropFirst() {
            shared = min(shared, zip(fulls[0], full).prefix { $0 == $1 }.count)
        }
        // The row that predicts the first scored token must be computed in the candidates' batch.
        shared = min(shared, first - 1)
        let prefix = transformer.makeCache(capacity: shared)
        if shared > 0 {
            _ = transformer.forward([SequenceStep(cache: prefix, tokens: Array(fulls[0][..<shared]), outputs: [])],
                                    output: .logits)
        }
        var steps: [SequenceStep] = []
        var scored: [[Int]] = []  // per candidate: token positions scored
        for full in fulls {
            let positions = Array(first..<max(first, full.count))
            scored.append(positions)
            guard !positions.isEmpty else { continue }
            steps.append(SequenceStep(cache: prefix.fork(), tokens: Array(full[shared..<(full.count - 1)]),
                                      outputs: positions.map { $0 - 1 - shared }))
        }
        let logits = steps.isEmpty ? [] : transformer.forward(steps, output: .logits)
        let vocabulary = config.vocabularySize
        var row = 0
        return logits.withUnsafeBufferPointer { all in
            zip(fulls, scored).map { full, positions in
                guard !positions.isEmpty else { return (.infinity, 0) }
                var total = 0.0
                for position in positions {
                    let rowLogits = UnsafeBufferPointer(rebasing: all[(row * vocabulary)..<((row + 1) * vocabulary)])
                    total += Self.negativeLogProbability(rowLogits, full[position])
                    row += 1
                }
                return (total / Double(positions.count), positions.count)
            }
        }
    }

    /// The final-norm hidden state at `position` of `ids`.
    func hiddenState(_ ids: [Int], at position: Int) -> [Float] {
        let cache = transformer.makeCache(capacity: ids.count)
        return transformer.forward([SequenceStep(cache: cache, tokens: Array(ids[...position]), outputs: [position])],
                                   output: .hidden)
    }

    // MARK: LanguageModel

    public func score(_ requests: [ScoringRequest], method: ScoringMethod,
                      control: RunControl) throws -> [[CandidateScore]] {
        try requireLanguageModel()
        var results: [[CandidateScore]] = []
        for (index, request) in requests.enumerated() {
            try control.cancellation.check()
            guard !request.candidates.isEmpty else {
                throw InferenceError.invalidInput("request \(index) has no candidates")
            }
            let promptIDs = tokenizer.encode(request.prompt)
            try validate(promptIDs, what: "prompt \(index)")
            let scores: [(meanNLL: Double, count: Int)]
            switch method {
            case .meanNLL:
                let fulls = request.candidates.map { tokenizer.encode(request.prompt + $0) }
                for (c, full) in fulls.enumerated() { try validate(full, what: "prompt \(index) + candidate \(c)") }
                scores = meanNLL(candidates: fulls, scoredFrom: promptIDs.count)
            case .nextToken:
                var logits: [Float] = []
                forEachLogits(promptIDs, positions: (promptIDs.count - 1)..<promptIDs.count) { _, row in
                    logits = Array(row)
                }
                scores = logits.withUnsafeBufferPointer { row in
                    request.candidates.map { candidate in
                        guard let token = firstToken(of: candidate, after: request.prompt, promptIDs: promptIDs) else {
                            return (Double.infinity, 0)
                        }
                        return (Self.negativeLogProbability(row, token), 1)
                    }
                }
            }
            results.append(Self.normalised(request.candidates, scores))
            control.progress?(index + 1, requests.count)
        }
        return results
    }

    /// The candidate's first token as the model tokenizes prompt + candidate (falling back to the candidate
    /// alone when a merge crosses the boundary).
    func firstToken(of candidate: String, after prompt: String, promptIDs: [Int]) -> Int? {
        let full = tokenizer.encode(prompt + candidate)
        if full.count > promptIDs.count, Array(full[..<promptIDs.count]) == promptIDs {
            return full[promptIDs.count]
        }
        return tokenizer.encode(candidate, addSpecialTokens: false).first
    }

    /// pᵢ = exp(−nllᵢ) / Σⱼ exp(−nllⱼ), computed stably; candidates that scored nothing get 0.
    static func normalised(_ candidates: [String], _ scores: [(meanNLL: Double, count: Int)]) -> [CandidateScore] {
        let best = scores.map(\.meanNLL).filter(\.isFinite).min() ?? 0
        let weights = scores.map { $0.meanNLL.isFinite ? Foundation.exp(best - $0.meanNLL) : 0 }
        let total = weights.reduce(0, +)
        return zip(candidates, zip(scores, weights)).map { candidate, pair in
            CandidateScore(candidate: candidate, meanNLL: pair.0.meanNLL, tokenCount: pair.0.count,
                           probability: total > 0 ? pair.1 / total : 0)
        }
    }

    public func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]] {
        try requireLanguageModel()
        var results: [[TokenLogprob]] = []
        for (index, text) in texts.enumerated() {
            try control.cancellation.check()
            let ids = tokenizer.encode(text)
            try validate(ids, what: "text \(index)")
            var logprobs = [Double?](repeating: nil, count: ids.count)
            forEachLogits(ids, positions: 0..<(ids.count - 1)) { position, row in
                logprobs[position + 1] = -Self.negativeLogProbability(row, ids[position + 1])
            }
            let spans = TokenSpans(tokenizer: tokenizer, text: text, ids: ids)
            results.append(ids.indices.map { i in
                TokenLogprob(id: ids[i], text: spans.texts[i], offset: spans.offsets[i], logprob: logprobs[i])
            })
            control.progress?(index + 1, texts.count)
        }
        return results
    }

    public func nextTokens(after prompt: String, top: Int) throws -> [TokenProbability] {
        try requireLanguageModel()
        let ids = tokenizer.encode(prompt)
        try validate(ids, what: "the prompt")
        var result: [TokenProbability] = []
        forEachLogits(ids, positions: (ids.count - 1)..<ids.count) { _, row in
            let logSum = VectorOps.logSumExp(row.baseAddress!, count: row.count)
            let best = Sampler.topIndices(row, count: max(0, top))
            result = best.map { id in
                TokenProbability(id: id, text: tokenizer.decode([id]), probability: Foundation.exp(Double(row[id]) - logSum))
            }
        }
        return result
    }

    public func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String {
        guard let template else {
            throw InferenceError.unsupported("\(identity.name) has no chat template of its own, and its name matches none of the study's built-in ones (Llama-2-chat, Tülu 2, Zephyr, OpenChat/Starling)")
        }
        let bos = tokenizer.bosID.flatMap { tokenizer.tokenText($0) } ?? ""
        let eos = tokenizer.eosID.flatMap { tokenizer.tokenText($0) } ?? ""
        do {
            return try template.render(messages: messages.map { ChatTurn(role: $0.role, content: $0.content) },
                                       addGenerationPrompt: addGenerationPrompt, bosToken: bos, eosToken: eos)
        } catch {
            throw InferenceError.backend("chat template of \(identity.name): \(error)")
        }
    }

    public func generate(_ prompts: [String], options: GenerationOptions, control: RunControl,
                         onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation] {
        try requireLanguageModel()
        var generator = try Generator(model: self, prompts: prompts, options: options)
        return try generator.run(control: control, onToken: onToken)
    }

    func requireLanguageModel() throws(InferenceError) {
        guard transformer.weights.languageModelHead != nil else {
            throw .unsupported("\(identity.name) is a reward model: it has no language-model head")
        }
    }

    // MARK: RewardModel

    public func rewards(for texts: [String], control: RunControl) throws -> [Double] {
        guard let head = transformer.weights.rewardHead, let weights = head.first else {
            throw InferenceError.unsupported("\(identity.name) is a language model: it has no reward head")
        }
        var rewards: [Double] = []
        for (index, text) in texts.enumerated() {
            try control.cancellation.check()
            let ids = tokenizer.encode(text)
            try validate(ids, what: "text \(index)")
            rewards.append(reward(ids: ids, head: weights))
            control.progress?(index + 1, texts.count)
        }
        return rewards
    }

    /// The head applied to the final hidden state at the position the checkpoint's class reads.
    func reward(ids: [Int]) -> Double? {
        guard let head = transformer.weights.rewardHead?.first else { return nil }
        return reward(ids: ids, head: head)
    }

    private func reward(ids: [Int], head: [Float]) -> Double {
        // Starling's reward code pads with the unknown token (PAPER.md) when the tokenizer names no pad.
        let pad = config.padTokenID ?? tokenizer.padID ?? (config.head == .valueHead ? tokenizer.unkID : nil)
        let position = Self.rewardPosition(ids, head: config.head, padID: pad)
        let hidden = hiddenState(ids, at: position)
        var sum = 0.0
        for i in 0..<head.count { sum += Double(head[i]) * Double(hidden[i]) }
        return sum
    }

    /// LlamaForSequenceClassification reads the last non-pad token; the Starling value head the last token
    /// before the first pad token (PAPER.md). Without pads both are the last token.
    static func rewardPosition(_ ids: [Int], head: ModelConfig.Head, padID: Int?) -> Int {
        guard let padID else { return ids.count - 1 }
        switch head {
        case .valueHead:
            if let firstPad = ids.firstIndex(of: padID) { return max(0, firstPad - 1) }
            return ids.count - 1
        default:
            return ids.lastIndex { $0 != padID } ?? ids.count - 1
        }
    }
}
