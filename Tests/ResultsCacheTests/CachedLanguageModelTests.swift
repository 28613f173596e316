import Foundation
import InferenceAPI
import InferenceTestSupport
import XCTest
import ResultsCache

final class CachedLanguageModelTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func openCache() throws -> ResultCache {
        try ResultCache(path: directory.appendingPathComponent("cache.sqlite").path)
    }

    private func requests(_ count: Int) -> [ScoringRequest] {
        (0 ..< count).map { index in
            ScoringRequest(prompt: "Question \(index): do people trust the government? Answer: (",
                           candidates: ["A)", "B)", "C)", "D)"])
        }
    }

    func testSecondRunComputesNothingAndReturnsTheSameScores() throws {
        let bigram = CharacterBigramModel(trainingText: surveyText, preferredBatchSize: 4)
        let first = CountingModel(wrapping: bigram)
        let batch = requests(10)
        let fresh = try CachedLanguageModel(wrapping: first, cache: openCache()).score(batch, method: .meanNLL, control: .none)
        XCTAssertEqual(first.computed.count, 10)
        XCTAssertEqual(fresh, try bigram.score(batch, method: .meanNLL, control: .none))

        // A new process: a new handle on the same file.
        let second = CountingModel(wrapping: bigram)
        let replayed = try CachedLanguageModel(wrapping: second, cache: openCache()).score(batch, method: .meanNLL, control: .none)
        XCTAssertEqual(second.computed, [])
        XCTAssertEqual(replayed, fresh)
    }

    func testOnlyMissingAndDistinctInputsReachTheModel() throws {
        let counting = CountingModel(wrapping: CharacterBigramModel(trainingText: surveyText, preferredBatchSize: 3))
        let cached = try CachedLanguageModel(wrapping: counting, cache: openCache())
        let batch = requests(6)
        _ = try cached.score(Array(batch[0 ..< 2]), method: .meanNLL, control: .none)
        // Four new prompts, one of them asked twice, plus two already cached.
        let mixed = batch + [batch[4]]
        let scores = try cached.score(mixed, method: .meanNLL, control: .none)
        XCTAssertEqual(counting.computed.count, 2 + 4)
        XCTAssertEqual(Set(counting.computed.suffix(4)), Set(batch[2...].map { "score:\($0.prompt)" }))
        XCTAssertEqual(scores[6], scores[4])
        // Another method is another result.
        _ = try cached.score(Array(batch[0 ..< 1]), method: .nextToken, control: .none)
        XCTAssertEqual(counting.computed.count, 7)
    }

    func testInterruptedRunKeepsFinishedChunksAndResumes() throws {
        let bigram = CharacterBigramModel(trainingText: surveyText, preferredBatchSize: 2)
        let cancellation = Cancellation()
        // Ctrl-C arrives while the third chunk is being computed.
        let interrupted = CountingModel(wrapping: bigram) { batchNumber in
            if batchNumber == 3 { cancellation.cancel() }
        }
        let cache = try openCache()
        let batch = requests(9)
        XCTAssertThrowsError(try CachedLanguageModel(wrapping: interrupted, cache: cache)
            .score(batch, method: .meanNLL, control: RunControl(cancellation: cancellation))) { error in
            XCTAssertEqual(error as? InferenceError, .cancelled)
        }
        XCTAssertEqual(try cache.count(model: bigram.identity), 4, "two finished chunks of two are kept")

        let resumed = CountingModel(wrapping: bigram)
        let scores = try CachedLanguageModel(wrapping: resumed, cache: cache).score(batch, method: .meanNLL, control: .none)
        XCTAssertEqual(resumed.computed, batch[4...].map { "score:\($0.prompt)" }, "nothing done twice, nothing lost")
        XCTAssertEqual(scores, try bigram.score(batch, method: .meanNLL, control: .none))
    }

    func testGenerationsAreKeyedByOptionsAndStreamFromTheCache() throws {
        let counting = CountingModel(wrapping: CharacterBigramModel(trainingText: surveyText))
        let cached = try CachedLanguageModel(wrapping: counting, cache: openCache())
        let prompts = ["The survey asked", "Some countries"]
        let greedy = GenerationOptions.greedy(maxTokens: 12)
        let first = try cached.generate(prompts, options: greedy, control: .none, onToken: nil)
        let pieces = PieceLog()
        let again = try cached.generate(prompts, options: greedy, control: .none) { index, piece in pieces.add(index, piece) }
        XCTAssertEqual(again, first)
        XCTAssertEqual(pieces.text(0), first[0].text)
        XCTAssertEqual(counting.computed.count, 2)

        var sampled = greedy
        sampled.temperature = 0.8
        _ = try cached.generate(prompts, options: sampled, control: .none, onToken: nil)
        XCTAssertEqual(counting.computed.count, 4, "other options are other results")
    }

    func testEveryKindOfCallIsCached() throws {
        let counting = CountingModel(wrapping: CharacterBigramModel(trainingText: surveyText))
        let cache = try openCache()
        for _ in 0 ..< 2 {
            let cached = CachedLanguageModel(wrapping: counting, cache: cache)
            _ = try cached.promptLogprobs(["Some countries trust"], control: .none)
            _ = try cached.nextTokens(after: "Some countr", top: 3)
            _ = try cached.chatPrompt([.user("Hello")], addGenerationPrompt: true)
        }
        XCTAssertEqual(counting.computed, ["logprobs:Some countries trust", "next:Some countr", "chat:Hello"])
        let statistics = try cache.statistics()
        XCTAssertEqual(statistics.models.count, 1)
        XCTAssertEqual(statistics.models[0].resultsByKind, ["prompt-logprobs": 1, "next-tokens": 1, "chat-prompt": 1])
    }

    func testStatisticsAndClearing() throws {
        let cache = try openCache()
        let one = CharacterBigramModel(name: "one", trainingText: surveyText)
        let two = CharacterBigramModel(name: "two", trainingText: surveyText + " More text.")
        _ = try CachedLanguageModel(wrapping: one, cache: cache).score(requests(3), method: .meanNLL, control: .none)
        _ = try CachedLanguageModel(wrapping: two, cache: cache).score(requests(2), method: .meanNLL, control: .none)
        var statistics = try cache.statistics()
        XCTAssertEqual(statistics.totalResults, 5)
        XCTAssertEqual(Set(statistics.models.map(\.name)), ["one", "two"])
        XCTAssertGreaterThan(statistics.fileBytes, 0)

        XCTAssertEqual(try cache.clear(modelNamed: "one"), 3)
        statistics = try cache.statistics()
        XCTAssertEqual(statistics.models.map(\.name), ["two"])
        XCTAssertEqual(try cache.clearAll(), 2)
        XCTAssertEqual(try cache.statistics().totalResults, 0)
        // Cleared means recomputed.
        let counting = CountingModel(wrapping: two)
        _ = try CachedLanguageModel(wrapping: counting, cache: cache).score(requests(2), method: .meanNLL, control: .none)
        XCTAssertEqual(counting.computed.count, 2)
    }

    func testClearingGivesTheDiskSpaceBack() throws {
        let cache = try openCache()
        let model = CharacterBigramModel(name: "big", trainingText: surveyText)
        // A few thousand long prompts: megabytes of keys.
        let long = (0 ..< 3000).map { index in
            ScoringRequest(prompt: String(repeating: "Question \(index) about trust in institutions. ", count: 8) + "Answer: (",
                           candidates: ["A)", "B)"])
        }
        _ = try CachedLanguageModel(wrapping: model, cache: cache).score(long, method: .meanNLL, control: .none)
        let full = try cache.statistics().fileBytes
        XCTAssertGreaterThan(full, 1_000_000)
        XCTAssertEqual(try cache.clear(modelNamed: "big"), 3000)
        let cleared = try cache.statistics().fileBytes
        XCTAssertLessThan(cleared, full / 10, "clearing leaves \(cleared) of \(full) bytes")
    }

    func testRewardsAreCached() throws {
        let cache = try openCache()
        let model = LengthReward()
        let first = try CachedRewardModel(wrapping: model, cache: cache).rewards(for: ["a", "bbb", "a"], control: .none)
        let second = try CachedRewardModel(wrapping: model, cache: cache).rewards(for: ["bbb", "cc"], control: .none)
        XCTAssertEqual(first, [1, 3, 1])
        XCTAssertEqual(second, [3, 2])
        XCTAssertEqual(model.seen, ["a", "bbb", "cc"])
    }

    func testWritesAheadAndMigratesOnReopen() throws {
        let cache = try openCache()
        _ = try CachedLanguageModel(wrapping: CharacterBigramModel(trainingText: surveyText), cache: cache)
            .promptLogprobs(["x"], control: .none)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cache.path + "-wal"), "WAL journal")
        _ = try openCache()  // the migrator finds v1 applied and does nothing
    }

    func testAFileThatIsNotADatabaseIsAClearError() throws {
        let path = directory.appendingPathComponent("garbage.sqlite").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ResultCache(path: path)) { error in
            XCTAssertTrue("\(error)".contains(path), "\(error)")
            XCTAssertTrue("\(error)".contains("cannot open the results cache"), "\(error)")
        }
    }

    func testDefaultPathFollowsAlignScopeHome() {
        XCTAssertEqual(ResultCache.defaultPath(environment: ["ALIGNSCOPE_HOME": "/data/as"]), "/data/as/cache.sqlite")
        XCTAssertEqual(ResultCache.defaultPath(environment: ["HOME": "/home/r"]), "/home/r/.cache/alignscope/cache.sqlite")
    }
}

/// A reward model whose reward is the text's length in characters: enough to see what is recomputed.
private final class LengthReward: RewardModel, @unchecked Sendable {
    let identity = ModelIdentity(name: "length", source: "memory:length", fingerprint: "length-v1", tokenizer: "characters")
    let preferredBatchSize = 4
    private let lock = NSLock()
    private var log: [String] = []

    var seen: [String] { lock.withLock { log } }

    func rewards(for texts: [String], control: RunControl) throws -> [Double] {
        lock.withLock { log.append(contentsOf: texts) }
        return texts.map { Double($0.count) }
    }
}

private final class PieceLog: @unchecked Sendable {
    private let lock = NSLock()
    private var pieces: [Int: String] = [:]

    func add(_ index: Int, _ piece: String) { lock.withLock { pieces[index, default: ""] += piece } }
    func text(_ index: Int) -> String { lock.withLock { pieces[index] ?? "" } }
}
