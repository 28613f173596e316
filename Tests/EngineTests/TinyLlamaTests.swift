import XCTest
@testable import Engine
import Kernels
import ModelFormats

/// The float32 graph against transformers 5.24 on tiny random Llama checkpoints (../shared/models).
final class TinyLlamaTests: XCTestCase {
    func testLogitsMatchTransformers() throws {
        try assertLogits(conversion: .none, tolerance: 1e-3)
    }

    /// `quant=q8_0`: float matrices quantised to ggml Q8_0 on load (rows of 172 stay float32: not whole blocks).
    func testQuantisedOnLoadStaysClose() throws {
        try assertLogits(conversion: .q8_0, tolerance: 2e-2)
        let checkpoint = try Fixtures.checkpoint(Fixtures.models.appendingPathComponent("tiny-random-llama"))
        let weights = try TransformerWeights(checkpoint: checkpoint, conversion: .q8_0)
        XCTAssertEqual(weights.layers[0].query.type, .q8_0)
        XCTAssertEqual(weights.layers[0].down.type, .f32)
        XCTAssertLessThan(weights.residentBytes, checkpoint.files.map(\.count).reduce(0, +))
    }

    func assertLogits(conversion: WeightConversion, tolerance: Double) throws {
        let golden = try Fixtures.json(Fixtures.goldens.appendingPathComponent("tiny-random-llama-golden.json"))
        let ids = try XCTUnwrap(golden["ids"] as? [Int])
        let expected = try XCTUnwrap(golden["logits"] as? [[Double]])
        let checkpoint = try Fixtures.checkpoint(Fixtures.models.appendingPathComponent("tiny-random-llama"))
        let transformer = try Transformer(weights: TransformerWeights(checkpoint: checkpoint, conversion: conversion),
                                          ropeLayout: checkpoint.ropeLayout)
        let logits = transformer.forward([SequenceStep(cache: transformer.makeCache(), tokens: ids,
                                                       outputs: Array(ids.indices))], output: .logits)
        let vocabulary = checkpoint.config.vocabularySize
        XCTAssertEqual(logits.count, ids.count * vocabulary)
        for (position, row) in expected.enumerated() {
            let difference = Fixtures.maxAbsoluteDifference(logits[(position * vocabulary)..<((position + 1) * vocabulary)], row)
            XCTAssertLessThanOrEqual(difference, tolerance, "position \(position), \(conversion)")
        }
    }
}
