import InferenceAPI
import Kernels
import Foundation
import XCTest
@testable import Engine

/// The properties the evaluations rely on, on the tiny random Llama (ids written as numbers): prefix sharing
/// and batching change no bit, nor does the thread count; scoring is the study's primitive.
final class DeterminismTests: XCTestCase {
    static func model(threads: Int = 2) throws -> EngineModel {
        let checkpoint = try Fixtures.checkpoint(Fixtures.models.appendingPathComponent("tiny-random-llama"))
        return try EngineModel(name: "tiny", checkpoint: checkpoint, tokenizer: TokenTestTokenizer(),
                               pool: ThreadPool(threads: threads))
    }

    func logits(_ model: EngineModel, _ ids: [Int]) -> [Float] {
        model.transformer.forward([SequenceStep(cache: model.transformer.makeCache(), tokens: ids,
                                                outputs: Array(ids.indices))], output: .logits)
    }

    func testBatchingAndThreadsChangeNoBit() throws {
        let two = try Self.model(threads: 2), one = try Self.model(threads: 1)
        let a = [1, 5, 17, 300, 42, 8, 9], b = [1, 99, 3]
        let alone = logits(two, a)
        XCTAssertEqual(alone, logits(one, a), "thread count")
        let batched = two.transformer.forward([
            SequenceStep(cache: two.transformer.makeCache(), tokens: b, outputs: Array(b.indices)),
            SequenceStep(cache: two.transformer.makeCache(), tokens: a, outputs: Array(a.indices)),
        ], output: .logits)
        XCTAssertEqual(Array(batched[(b.count * 512)...]), alone, "batched with another sequence")
        // Prefill 4 tokens, fork, continue: the same bits as one pass.
        let prefix = two.transformer.makeCache()
        _ = two.transformer.forward([SequenceStep(cache: prefix, tokens: Array(a[..<4]), outputs: [])], output: .logits)
        let continued = two.transformer.forward([SequenceStep(cache: prefix.fork(), tokens: Array(a[4...]),
                                                              outputs: [0, 1, 2])], output: .logits)
        XCTAssertEqual(continued, Array(alone[(4 * 512)...]), "continued from a forked prefix")
    }

    /// Longer than a key block (16 positions), forked twice off the block grid, decoded row by row: the
    /// attention kernels group rows and heads differently in each case, and no bit may change.
    func testForksAndDecodingAcrossKeyBlocksChangeNoBit() throws {
        let two = try Self.model(threads: 2), one = try Self.model(threads: 1)
        let ids = (0..<37).map { ($0 * 97 + 11) % 500 + 3 }
        let alone = logits(two, ids)
        XCTAssertEqual(alone, logits(one, ids), "thread count")
        let root = two.transformer.makeCache()
        _ = two.transformer.forward([SequenceStep(cache: root, tokens: Array(ids[..<21]), outputs: [])], output: .logits)
        let middle = root.fork()
        let fromMiddle = two.transformer.forward([SequenceStep(cache: middle, tokens: Array(ids[21..<30]),
                                                               outputs: Array(0..<9))], output: .logits)
        XCTAssertEqual(fromMiddle, Array(alone[(21 * 512)..<(30 * 512)]), "fork")
        let leaf = middle.fork()
        var decoded: [Float] = []
        for id in ids[30...] {
            decoded += two.transformer.forward([SequenceStep(cache: leaf, tokens: [id], outputs: [0])], output: .logits)
        }
        XCTAssertEqual(decoded, Array(alone[(30 * 512)...]), "fork of a fork, one token at a time")
    }

    func testMeanNLLScoringIsTheStudysPrimitive() throws {
        let model = try Self.model()
        let prompt = "1 5 17", candidates = [" 300 42", " 7", " 300 9 10"]
        let scores = try model.score([ScoringRequest(prompt: prompt, candidates: candidates)], method: .meanNLL,
                                     control: .none)[0]
        var expected: [Double] = []
        for candidate in candidates {
            let ids = model.tokenizer.encode(prompt + candidate)
            let all = logits(model, ids)
            var total = 0.0
            for position in 3..<ids.count {
                let row = Array(all[((position - 1) * 512)..<(position * 512)])
                total += row.withUnsafeBufferPointer { EngineModel.negativeLogProbability($0, ids[position]) }
            }
            expected.append(total / Double(ids.count - 3))
        }
        XCTAssertEqual(scores.map(\.meanNLL), expected, "prefix-shared scores equal separate passes bit for bit")
        XCTAssertEqual(scores.map(\.tokenCount), [2, 1, 3])
        let weights = expected.map { Foundation.exp(-$0) }
        for (score, weight) in zip(scores, weights) {
            XCTAssertEqual(score.probability, weight / weights.reduce(0, +), accuracy: 1e-12)
        }
        XCTAssertThrowsError(try model.score([ScoringRequest(prompt: prompt, candidates: [])], method: .meanNLL, control: .none))
    }

    func testGenerationAndLogprobsAgreeWithTheForwardPass() throws {
        let model = try Self.model()
        let result = try model.generate(["1 5 17"], options: .greedy(maxTokens: 5), control: .none, onToken: nil)[0]
        var ids = [1, 5, 17]
        var expected: [Int] = []
        for _ in 0..<5 {
            let all = logits(model, ids)
            let next = Array(all[((ids.count - 1) * 512)...]).withUnsafeBufferPointer { Sampler.argmax($0) }
            if next == 2 { break }
            expected.append(next)
            ids.append(next)
        }
        XCTAssertEqual(result.text.split(separator: " ").compactMap { Int($0) }, expected)

        let logprobs = try model.promptLogprobs(["1 5 17 300"], control: .none)[0]
        XCTAssertEqual(logprobs.map(\.id), [1, 5, 17, 300])
        XCTAssertNil(logprobs[0].logprob)
        let all = logits(model, [1, 5, 17, 300])
        let last = Array(all[(2 * 512)..<(3 * 512)]).withUnsafeBufferPointer { EngineModel.negativeLogProbability($0, 300) }
        XCTAssertEqual(logprobs[3].logprob, -last)

        let sampled = GenerationOptions(maxTokens: 6, temperature: 0.8, topK: 40, topP: 0.9, seed: 7)
        let first = try model.generate(["1 5"], options: sampled, control: .none, onToken: nil)
        XCTAssertEqual(first, try model.generate(["1 5"], options: sampled, control: .none, onToken: nil), "same seed, same text")
    }

    func testCancellationStopsAndBadInputIsRefused() throws {
        let model = try Self.model()
        let control = RunControl()
        control.cancellation.cancel()
        XCTAssertThrowsError(try model.score([ScoringRequest(prompt: "1 2", candidates: [" 3"])], method: .meanNLL,
                                             control: control)) { XCTAssertEqual($0 as? InferenceError, .cancelled) }
        XCTAssertThrowsError(try model.nextTokens(after: "1 600", top: 3), "id outside the vocabulary")
        XCTAssertThrowsError(try model.nextTokens(after: "", top: 3), "no tokens")
        XCTAssertThrowsError(try model.rewards(for: ["1 2"], control: .none), "not a reward model")
        XCTAssertEqual(try model.nextTokens(after: "1 5", top: 3).count, 3)
    }
}
