import Foundation
import InferenceAPI
import Synchronization

/// A real, tiny language model for the runner tests: a character-bigram model with add-one smoothing trained on
/// a text. Tokens are Unicode scalars plus a BOS token that starts every text; every number it returns follows
/// from the counts (no canned answers). It can also pretend the user pressed Ctrl-C after a number of requests.
final class CharacterBigramModel: LanguageModel, RewardModel, @unchecked Sendable {
    let identity: ModelIdentity
    let preferredBatchSize: Int
    private let counts: [Int: [Int: Double]]
    private let totals: [Int: Double]
    private let vocabulary: [Int]
    private static let bos = -1

    /// Requests the model has served, per call kind.
    let calls = Mutex<[String]>([])
    /// After this many requests the model sets the run's cancellation flag, as the shell's Ctrl-C handler would.
    let cancelAfterRequests: Int?
    private let served = Mutex(0)

    init(training text: String, name: String = "char-bigram", batchSize: Int = 3, cancelAfterRequests: Int? = nil) {
        var counts: [Int: [Int: Double]] = [:]
        var previous = Self.bos
        var seen = Set<Int>()
        for scalar in text.unicodeScalars {
            let id = Int(scalar.value)
            counts[previous, default: [:]][id, default: 0] += 1
            seen.insert(id)
            previous = id
        }
        self.counts = counts
        self.totals = counts.mapValues { $0.values.reduce(0, +) }
        self.vocabulary = seen.sorted()
        self.preferredBatchSize = batchSize
        self.cancelAfterRequests = cancelAfterRequests
        identity = ModelIdentity(name: name, source: "test", fingerprint: "bigram-\(text.unicodeScalars.count)",
                                 tokenizer: "unicode scalars + BOS")
    }

    private var vocabularySize: Double { Double(vocabulary.count + 1) }

    /// log p(next | previous) with add-one smoothing over the seen scalars plus one unknown.
    func logProbability(_ next: Int, after previous: Int) -> Double {
        let count = counts[previous]?[next] ?? 0
        return log((count + 1) / ((totals[previous] ?? 0) + vocabularySize))
    }

    func tokens(_ text: String) -> [Int] { [Self.bos] + text.unicodeScalars.map { Int($0.value) } }

    private func serve(_ kind: String, _ count: Int, _ control: RunControl) throws {
        try control.cancellation.check()
        calls.withLock { $0.append("\(kind):\(count)") }
        let total = served.withLock { served -> Int in
            served += count
            return served
        }
        if let limit = cancelAfterRequests, total > limit {
            control.cancellation.cancel()
            throw InferenceError.cancelled
        }
    }

    /// Mean NLL of `candidate`'s tokens after `prompt`, tokenized separately as the study does.
    func meanNLL(prompt: String, candidate: String) -> (Double, Int) {
        let promptLength = tokens(prompt).count
        let all = tokens(prompt + candidate)
        guard all.count > promptLength else { return (.infinity, 0) }
        var total = 0.0
        for index in promptLength..<all.count { total -= logProbability(all[index], after: all[index - 1]) }
        return (total / Double(all.count - promptLength), all.count - promptLength)
    }

    func score(_ requests: [ScoringRequest], method: ScoringMethod, control: RunControl) throws -> [[CandidateScore]] {
        try serve("score", requests.count, control)
        return requests.map { request in
            let raw: [(Double, Int)] = request.candidates.map { candidate in
                switch method {
                case .meanNLL:
                    return meanNLL(prompt: request.prompt, candidate: candidate)
                case .nextToken:
                    let last = tokens(request.prompt).last ?? Self.bos
                    let first = candidate.unicodeScalars.first.map { Int($0.value) } ?? Self.bos
                    return (-logProbability(first, after: last), 1)
                }
            }
            let weights = raw.map { exp(-$0.0) }
            let sum = weights.reduce(0, +)
            return zip(request.candidates, zip(raw, weights)).map { candidate, pair in
                CandidateScore(candidate: candidate, meanNLL: pair.0.0, tokenCount: pair.0.1, probability: pair.1 / sum)
            }
        }
    }

    func generate(_ prompts: [String], options: GenerationOptions, control: RunControl,
                  onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation] {
        try serve("generate", prompts.count, control)
        return prompts.map { prompt in
            var previous = tokens(prompt).last ?? Self.bos
            var text = ""
            for _ in 0..<options.maxTokens {
                // Greedy: the most probable next scalar (lowest id on ties).
                guard let next = vocabulary.max(by: { logProbability($0, after: previous) < logProbability($1, after: previous) })
                else { break }
                text.unicodeScalars.append(Unicode.Scalar(UInt32(next)) ?? "?")
                previous = next
                if let stop = options.stop.first(where: { text.contains($0) }), let range = text.range(of: stop) {
                    return Generation(text: String(text[..<range.lowerBound]), tokenCount: text.unicodeScalars.count,
                                      finishReason: .stopString)
                }
            }
            return Generation(text: text, tokenCount: options.maxTokens, finishReason: .length)
        }
    }

    func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]] {
        try serve("logprobs", texts.count, control)
        return texts.map { text in
            let ids = tokens(text)
            var offset = 0
            return ids.enumerated().map { index, id in
                let piece = id == Self.bos ? "" : String(Unicode.Scalar(UInt32(id)).map(Character.init) ?? "?")
                defer { offset += piece.utf8.count }
                return TokenLogprob(id: id, text: piece, offset: id == Self.bos ? 0 : offset,
                                    logprob: index == 0 ? nil : logProbability(id, after: ids[index - 1]))
            }
        }
    }

    func nextTokens(after prompt: String, top: Int) throws -> [TokenProbability] {
        let previous = tokens(prompt).last ?? Self.bos
        return vocabulary.map { TokenProbability(id: $0, text: String(UnicodeScalar(UInt32($0)).map(Character.init) ?? "?"),
                                                 probability: exp(logProbability($0, after: previous))) }
            .sorted { $0.probability > $1.probability }.prefix(top).map { $0 }
    }

    /// Zephyr's chat format.
    func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String {
        messages.map { "<|\($0.role)|>\n\($0.content)</s>\n" }.joined() + (addGenerationPrompt ? "<|assistant|>\n" : "")
    }

    /// As a reward model: the text's mean log-probability (fluent text earns more).
    func rewards(for texts: [String], control: RunControl) throws -> [Double] {
        try serve("rewards", texts.count, control)
        return texts.map { text in
            let ids = tokens(text)
            var total = 0.0
            for index in 1..<max(ids.count, 1) { total += logProbability(ids[index], after: ids[index - 1]) }
            return total / Double(max(ids.count - 1, 1))
        }
    }
}

/// A model without a chat template, to check the runners' fallbacks.
final class PlainBigramModel: LanguageModel, @unchecked Sendable {
    let inner: CharacterBigramModel
    init(_ inner: CharacterBigramModel) { self.inner = inner }
    var identity: ModelIdentity { inner.identity }
    var preferredBatchSize: Int { inner.preferredBatchSize }
    func score(_ requests: [ScoringRequest], method: ScoringMethod, control: RunControl) throws -> [[CandidateScore]] {
        try inner.score(requests, method: method, control: control)
    }
    func generate(_ prompts: [String], options: GenerationOptions, control: RunControl,
                  onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation] {
        try inner.generate(prompts, options: options, control: control, onToken: onToken)
    }
    func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]] {
        try inner.promptLogprobs(texts, control: control)
    }
    func nextTokens(after prompt: String, top: Int) throws -> [TokenProbability] { try inner.nextTokens(after: prompt, top: top) }
    func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String {
        throw InferenceError.unsupported("no chat template")
    }
}
