import XCTest
@testable import Engine

/// Qwen2 (q/k/v biases, tied embeddings), Mistral (a sliding window shorter than the input) and llama3 rope
/// scaling, on tiny random checkpoints against transformers' float32 logits
/// (Tests/Fixtures/engine, scripts/fixtures/engine_tiny_variants.py).
final class ArchitectureTests: XCTestCase {
    static let folder = Fixtures.repository.appendingPathComponent("Tests/Fixtures/engine")

    func check(_ name: String) throws {
        let golden = try Fixtures.json(Self.folder.appendingPathComponent("tiny-variants-golden.json"))
        let ids = try XCTUnwrap(golden["ids"] as? [Int])
        let models = try XCTUnwrap(golden["models"] as? [String: [String: Any]])
        let expected = try XCTUnwrap(models[name]?["logits"] as? [[Double]])
        let checkpoint = try Fixtures.checkpoint(Self.folder.appendingPathComponent("tiny-\(name)"))
        let transformer = try Transformer(weights: TransformerWeights(checkpoint: checkpoint, conversion: .none),
                                          ropeLayout: checkpoint.ropeLayout)
        let logits = transformer.forward([SequenceStep(cache: transformer.makeCache(), tokens: ids,
                                                       outputs: Array(ids.indices))], output: .logits)
        let vocabulary = checkpoint.config.vocabularySize
        for (position, row) in expected.enumerated() {
            let difference = Fixtures.maxAbsoluteDifference(logits[(position * vocabulary)..<((position + 1) * vocabulary)], row)
            XCTAssertLessThanOrEqual(difference, 1e-3, "\(name) position \(position)")
        }
    }

    func testQwen2Biases() throws {
        try check("qwen2")
        let checkpoint = try Fixtures.checkpoint(Self.folder.appendingPathComponent("tiny-qwen2"))
        XCTAssertTrue(checkpoint.config.attentionQKVBias)
        XCTAssertTrue(checkpoint.config.tieWordEmbeddings)
    }

    func testMistralSlidingWindow() throws {
        try check("mistral")
        let checkpoint = try Fixtures.checkpoint(Self.folder.appendingPathComponent("tiny-mistral"))
        XCTAssertEqual(checkpoint.config.slidingWindow, 4)
    }

    func testLlama3RopeScaling() throws { try check("llama3-rope") }
}
