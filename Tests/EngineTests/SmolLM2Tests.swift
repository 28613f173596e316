import InferenceAPI
import XCTest
import Kernels
@testable import Engine

/// The real SmolLM2-135M-Instruct Q4_1 GGUF against transformers on its dequantised weights
/// (../shared/models/goldens/smollm2-golden.json). Skipped until scripts/fetch-smollm2.sh has run.
final class SmolLM2Tests: XCTestCase {
    nonisolated(unsafe) static var models: [WeightConversion: EngineModel] = [:]

    static func model(_ conversion: WeightConversion = .none) throws -> EngineModel {
        if let model = models[conversion] { return model }
        let model = try EngineModel(name: "smollm2", path: Fixtures.smolLM2().path, conversion: conversion)
        models[conversion] = model
        return model
    }

    static func goldenCases() throws -> [[String: Any]] {
        let golden = try Fixtures.json(Fixtures.goldens.appendingPathComponent("smollm2-golden.json"))
        return try XCTUnwrap(golden["cases"] as? [[String: Any]])
    }

    func testTokenizationMatchesTheGolden() throws {
        let model = try Self.model()
        for entry in try Self.goldenCases() {
            let prompt = try XCTUnwrap(entry["prompt"] as? String)
            XCTAssertEqual(model.tokenizer.encode(prompt), try XCTUnwrap(entry["ids"] as? [Int]), prompt)
        }
    }

    /// The Q4_1 weights with Q8 activations (llama.cpp's scheme) against transformers on the dequantised
    /// weights: the same argmax after every prompt, top-10 logits within the deltas llama.cpp's own Q4_1 run
    /// shows (golden field `llamacpp_q4_1-orig_maxabs_vs_hf`, 0.9–1.4), and, teacher-forced along each
    /// golden greedy continuation (96 steps), ≥ 95% the same next token, any other pick being a near-tie
    /// (its logit within 0.5 of the golden token's). Quantisation noise of this size flips near-ties, so
    /// free-running greedy text may part ways after a near-tie (llama.cpp's agreement on one case is 97%).
    func testQuantisedPathAgreesWithTransformers() throws {
        let model = try Self.model()
        var steps = 0, agreeing = 0
        for entry in try Self.goldenCases() {
            let ids = try XCTUnwrap(entry["ids"] as? [Int])
            let greedy = try XCTUnwrap(entry["greedy_24"] as? [Int])
            let top10 = try XCTUnwrap(entry["last_top10"] as? [[Double]])
            let llamaDelta = try XCTUnwrap(entry["llamacpp_q4_1-orig_maxabs_vs_hf"] as? Double)
            let sequence = ids + greedy
            model.forEachLogits(sequence, positions: (ids.count - 1)..<(sequence.count - 1)) { position, row in
                let ours = Sampler.argmax(row)
                let expected = sequence[position + 1]
                steps += 1
                if ours == expected {
                    agreeing += 1
                } else {
                    XCTAssertLessThanOrEqual(row[ours] - row[expected], 0.5,
                                             "step \(position) of \(ids): picked \(ours) over \(expected)")
                }
                if position == ids.count - 1 {
                    let worst = top10.map { abs(Double(row[Int($0[0])]) - $0[1]) }.max()!
                    XCTAssertLessThanOrEqual(worst, max(1.0, llamaDelta), "top-10 logits after \(ids)")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(Double(agreeing) / Double(steps), 0.95, "\(agreeing) of \(steps) steps agree")
    }

    /// The dequantised (float) path: within 1e-3 of transformers on the same dequantised weights.
    func testFloatPathMatchesTransformers() throws {
        let model = try Self.model(.f32)
        for entry in try Self.goldenCases() {
            let ids = try XCTUnwrap(entry["ids"] as? [Int])
            let top10 = try XCTUnwrap(entry["last_top10"] as? [[Double]])
            let first16 = try XCTUnwrap(entry["last_logits_first16"] as? [Double])
            let logSumExp = try XCTUnwrap(entry["last_logsumexp"] as? Double)
            var logits: [Float] = []
            model.forEachLogits(ids, positions: (ids.count - 1)..<ids.count) { _, row in logits = Array(row) }
            for pair in top10 {
                XCTAssertEqual(Double(logits[Int(pair[0])]), pair[1], accuracy: 1e-3, "token \(Int(pair[0])) after \(ids)")
            }
            XCTAssertLessThanOrEqual(Fixtures.maxAbsoluteDifference(logits[0..<16], first16), 1e-3)
            let ours = logits.withUnsafeBufferPointer { Kernels.VectorOps.logSumExp($0.baseAddress!, count: $0.count) }
            XCTAssertEqual(ours, logSumExp, accuracy: 1e-3)
            // Float32 decoding reads 540 MB per token: the two shorter continuations are enough here.
            if ids.count <= 5 { try assertGreedy(model, entry) }
        }
    }

    func assertGreedy(_ model: EngineModel, _ entry: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws {
        let prompt = try XCTUnwrap(entry["prompt"] as? String)
        let greedy = try XCTUnwrap(entry["greedy_24"] as? [Int])
        let ids = try XCTUnwrap(entry["ids"] as? [Int])
        let cache = model.transformer.makeCache()
        var produced: [Int] = []
        var step = SequenceStep(cache: cache, tokens: ids, outputs: [ids.count - 1])
        for _ in 0..<greedy.count {
            let logits = model.transformer.forward([step], output: .logits)
            let next = logits.withUnsafeBufferPointer { Sampler.argmax($0) }
            produced.append(next)
            step = SequenceStep(cache: cache, tokens: [next], outputs: [0])
        }
        XCTAssertEqual(produced, greedy, "greedy continuation of \(prompt.debugDescription)", file: file, line: line)
    }

    /// Chat through the model's own template. On the dequantised (float) weights the model answers as
    /// transformers does. On the Q4_1 file with Q8 activations it says what llama.cpp says on the same file
    /// and prompt (llama-simple from llama-cpp-python 0.3.36's vendored llama.cpp, greedy, 16 tokens:
    /// "L'Étoile, la Marseillaise, la femme"), except that the first token is a near-tie with "The" (within
    /// 0.1 logit: which wins depends on the last bits of the arithmetic, where no two engines agree):
    /// teacher-forced along llama.cpp's text, every later token is our greedy pick.
    func testAnswersTheCapitalOfFranceInChat() throws {
        let float = try Self.model(.f32)
        let prompt = try float.chatPrompt([.user("What is the capital of France?")], addGenerationPrompt: true)
        XCTAssertEqual(prompt, "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n")
        let pieces = PieceCollector()
        let answer = try float.generate([prompt], options: .greedy(maxTokens: 32), control: .none) { index, piece in
            XCTAssertEqual(index, 0)
            pieces.append(piece)
        }[0]
        XCTAssertEqual(answer.text, "The capital of France is Paris.")
        XCTAssertEqual(answer.finishReason, .endOfSequence)
        XCTAssertEqual(pieces.joined, answer.text, "streamed pieces add up to the text")

        let quantised = try Self.model()
        let llamaCpp = "L'Étoile, la Marseillaise, la femme"
        let promptIDs = quantised.tokenizer.encode(prompt), ids = quantised.tokenizer.encode(prompt + llamaCpp)
        XCTAssertEqual(Array(ids[..<promptIDs.count]), promptIDs)
        quantised.forEachLogits(ids, positions: (promptIDs.count - 1)..<(ids.count - 1)) { position, row in
            let ours = Sampler.argmax(row), theirs = ids[position + 1]
            if position == promptIDs.count - 1 {
                XCTAssertLessThanOrEqual(row[ours] - row[theirs], 0.1, "llama.cpp's first token is a near-tie")
            } else {
                XCTAssertEqual(ours, theirs, "step \(position - promptIDs.count + 1) along llama.cpp's text")
            }
        }
        // Free-running from llama.cpp's first token, with a stop string.
        let continued = try quantised.generate([prompt + "L"], options: .greedy(maxTokens: 8), control: .none, onToken: nil)[0]
        XCTAssertTrue(llamaCpp.hasPrefix("L" + continued.text), continued.text)
        XCTAssertEqual(continued.finishReason, .length)
        let stopped = try quantised.generate([prompt + "L"], options: GenerationOptions(maxTokens: 20, stop: [", la"]),
                                             control: .none, onToken: nil)[0]
        XCTAssertEqual(stopped.text, "'Étoile")
        XCTAssertEqual(stopped.finishReason, .stopString)
    }
}

final class PieceCollector: @unchecked Sendable {
    private var pieces: [String] = []
    private let lock = NSLock()
    func append(_ piece: String) { lock.withLock { pieces.append(piece) } }
    var joined: String { lock.withLock { pieces.joined() } }
}
