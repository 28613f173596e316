import XCTest
@testable import Engine
import Kernels
import ModelFormats

/// The float32 graph against transformers 5.24 on tiny random Llama checkpoints (../shared/models).
final class TinyLlamaTests: XCTestCase {
    func testLogitsMatchTransformers() throws {
        let golden = try Fixtures.json(Fixtures.goldens.appendingPathComponent("tiny-random-llama-golden.json"))
        let ids = try XCTUnwrap(golden["ids"] as? [Int])
        let expected = try XCTUnwrap(golden["logits"] as? [[Double]])
        let checkpoint = try Fixtures.checkpoint(Fixtures.models.appendingPathComponent("tiny-random-llama"))
        let transformer = try Transformer(weights: TransformerWeights(checkpoint: checkpoint, conversion: .none),
                                          ropeLayout: checkpoint.ropeLayout)
        let logits = transformer.forward([SequenceStep(cache: transformer.makeCache(), tokens: ids,
                                                       outputs: Array(ids.indices))], output: .logits)
        let vocabulary = checkpoint.config.vocabularySize
        XCTAssertEqual(logits.count, ids.count * vocabulary)
        for (position, row) in expected.enumerated() {
            let difference = Fixtures.maxAbsoluteDifference(logits[(position * vocabulary)..<((position + 1) * vocabulary)], row)
            XCTAssertLessThanOrEqual(difference, 1e-3, "position \(position)")
        }
    }
}
