import Foundation
import InferenceAPI
import Synchronization

/// A real, small language model for testing the plumbing around models (cache, server, client) before and
/// beside the transformer engine: a character bigram model with add-α smoothing, trained on a text.
///
/// Its probabilities are computed, not canned: p(c | previous) = (count(previous, c) + α) / (count(previous) + α·V).
/// Tokens are Unicode scalars; a BOS token starts every text (offset 0, empty text, like a tokenizer's added
/// BOS), and scalars outside the vocabulary map to one UNK token.
public final class CharacterBigramModel: LanguageModel {
    public let identity: ModelIdentity
    public let preferredBatchSize: Int
    private let vocabulary: [Unicode.Scalar]
    private let ids: [Unicode.Scalar: Int]
    /// counts[previous][next], previous/next are token ids.
    private let counts: [[Double]]
    private let rowTotals: [Double]
    private let alpha = 0.5
    /// How many texts the model has been asked to read (prompt logprobs, scoring, generation), for tests
    /// that check nothing is recomputed.
    private let textsRead = Atomic<Int>(0)

    static let bos = 0
    static let unk = 1

    public init(name: String = "bigram", trainingText: String, preferredBatchSize: Int = 8) {
        var scalars = Set((32 ..< 127).compactMap(Unicode.Scalar.init))
        scalars.insert("\n")
        scalars.formUnion(trainingText.unicodeScalars)
        vocabulary = scalars.sorted { $0.value < $1.value }
        var ids: [Unicode.Scalar: Int] = [:]
        for (index, scalar) in vocabulary.enumerated() { ids[scalar] = index + 2 }
        self.ids = ids
        let size = vocabulary.count + 2
        var counts = [[Double]](repeating: [Double](repeating: 0, count: size), count: size)
        var previous = Self.bos
        for scalar in trainingText.unicodeScalars {
            let id = ids[scalar] ?? Self.unk
            counts[previous][id] += 1
            previous = id
        }
        self.counts = counts
        rowTotals = counts.map { $0.reduce(0, +) }
        self.preferredBatchSize = preferredBatchSize
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in trainingText.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        identity = ModelIdentity(name: name, source: "memory:bigram", fingerprint: String(hash, radix: 16),
                                 tokenizer: "characters (\(size) tokens)")
    }

    public var readCount: Int { textsRead.load(ordering: .relaxed) }

    private var vocabularySize: Int { vocabulary.count + 2 }

    func logprob(_ next: Int, after previous: Int) -> Double {
        log((counts[previous][next] + alpha) / (rowTotals[previous] + alpha * Double(vocabularySize)))
    }

    func tokens(_ text: String) -> [(id: Int, text: String, offset: Int)] {
        var result: [(Int, String, Int)] = [(Self.bos, "", 0)]
        var offset = 0
        for scalar in text.unicodeScalars {
            result.append((ids[scalar] ?? Self.unk, String(scalar), offset))
            offset += String(scalar).utf8.count
        }
        return result
    }

    private func text(of id: Int) -> String {
        id >= 2 && id - 2 < vocabulary.count ? String(vocabulary[id - 2]) : ""
    }

    // MARK: LanguageModel

    public func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]] {
        try texts.enumerated().map { index, text in
            try control.cancellation.check()
            textsRead.add(1, ordering: .relaxed)
            let tokens = tokens(text)
            control.progress?(index + 1, texts.count)
            return tokens.enumerated().map { position, token in
                TokenLogprob(id: token.id, text: token.text, offset: token.offset,
                             logprob: position == 0 ? nil : logprob(token.id, after: tokens[position - 1].id))
            }
        }
    }

    public func score(_ requests: [ScoringRequest], method: ScoringMethod, control: RunControl) throws -> [[CandidateScore]] {
        try requests.map { request in
            guard !request.candidates.isEmpty else { throw InferenceError.invalidInput("no candidates") }
            let prompt = try promptLogprobs([request.prompt], control: control)[0]
            let scored = try request.candidates.map { candidate -> (String, Double, Int) in
                let full = try promptLogprobs([request.prompt + candidate], control: control)[0]
                guard full.count > prompt.count else { throw InferenceError.invalidInput("empty candidate") }
                let tail = method == .meanNLL ? Array(full[prompt.count...]) : [full[prompt.count]]
                let nll = tail.reduce(0.0) { $0 - ($1.logprob ?? 0) }
                return (candidate, nll / Double(tail.count), tail.count)
            }
            let best = scored.map(\.1).min() ?? 0
            let weights = scored.map { exp(best - $0.1) }
            let total = weights.reduce(0, +)
            return zip(scored, weights).map {
                CandidateScore(candidate: $0.0, meanNLL: $0.1, tokenCount: $0.2, probability: $1 / total)
            }
        }
    }

    public func generate(_ prompts: [String], options: GenerationOptions, control: RunControl,
                         onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation] {
        try prompts.enumerated().map { index, prompt in
            try control.cancellation.check()
            textsRead.add(1, ordering: .relaxed)
            var random = SplitMix64(seed: options.seed)
            var previous = tokens(prompt).last?.id ?? Self.bos
            var text = ""
            for produced in 0 ..< options.maxTokens {
                try control.cancellation.check()
                let next = sample(after: previous, options: options, random: &random)
                let piece = self.text(of: next)
                let candidate = text + piece
                if let stop = options.stop.first(where: { candidate.contains($0) }), let range = candidate.range(of: stop) {
                    let kept = String(candidate[..<range.lowerBound])
                    if kept.count > text.count { onToken?(index, String(kept.dropFirst(text.count))) }
                    return Generation(text: kept, tokenCount: produced + 1, finishReason: .stopString)
                }
                text = candidate
                onToken?(index, piece)
                previous = next
            }
            return Generation(text: text, tokenCount: options.maxTokens, finishReason: .length)
        }
    }

    private func sample(after previous: Int, options: GenerationOptions, random: inout SplitMix64) -> Int {
        let candidates = 2 ..< vocabularySize
        if options.temperature <= 0 {
            return candidates.max { logprob($0, after: previous) < logprob($1, after: previous) } ?? Self.unk
        }
        let weights = candidates.map { exp(logprob($0, after: previous) / options.temperature) }
        var threshold = Double(random.next() >> 11) / Double(1 << 53) * weights.reduce(0, +)
        for (id, weight) in zip(candidates, weights) {
            threshold -= weight
            if threshold <= 0 { return id }
        }
        return candidates.upperBound - 1
    }

    public func nextTokens(after prompt: String, top: Int) throws -> [TokenProbability] {
        let previous = tokens(prompt).last?.id ?? Self.bos
        return (2 ..< vocabularySize)
            .map { TokenProbability(id: $0, text: text(of: $0), probability: exp(logprob($0, after: previous))) }
            .sorted { ($0.probability, -$0.id) > ($1.probability, -$1.id) }
            .prefix(top).map { $0 }
    }

    public func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String {
        messages.map { "<|\($0.role)|>\n\($0.content)\n" }.joined() + (addGenerationPrompt ? "<|assistant|>\n" : "")
    }
}

/// Steele et al.'s SplitMix64: a seeded generator, so sampled generations are reproducible.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e3779b97f4a7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }
}
