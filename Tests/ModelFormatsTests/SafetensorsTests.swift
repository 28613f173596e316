import Foundation
import Kernels
import XCTest
@testable import ModelFormats

final class SafetensorsTests: XCTestCase {
    func testTinyRandomLlamaHeader() throws {
        let file = try SafetensorsFile(contentsOf: TestPaths.sharedFile("models/tiny-random-llama/model.safetensors"))
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(file.tensors.count, 21)
        let q = try XCTUnwrap(file.tensors.first { $0.name == "model.layers.0.self_attn.q_proj.weight" })
        XCTAssertEqual(q.type, .f32)
        XCTAssertEqual(q.shape, [64, 64])
        let k = try XCTUnwrap(file.tensors.first { $0.name == "model.layers.1.self_attn.k_proj.weight" })
        XCTAssertEqual(k.shape, [32, 64])
        XCTAssertEqual(file.tensors.map(\.byteCount).reduce(0, +) + 8 + 2144, file.file.count)
        // Ordered by position, contiguous.
        for (a, b) in zip(file.tensors, file.tensors.dropFirst()) {
            XCTAssertEqual(a.data.fileOffset + a.byteCount, b.data.fileOffset)
        }
    }

    func testShardedFixtureValuesMatchThePythonLibrary() throws {
        let expected = try XCTUnwrap(TestPaths.json(TestPaths.fixtures.appendingPathComponent("safetensors-expected.json")) as? [String: Any])
        let files = try XCTUnwrap(expected["files"] as? [String: [String: [String: Any]]])
        let sharded = try ShardedSafetensors(index: TestPaths.fixtures.appendingPathComponent("sharded-safetensors/model.safetensors.index.json"))
        XCTAssertEqual(sharded.shards.count, 2)
        XCTAssertEqual(sharded.tensors.count, 7)
        var compared = 0
        for (fileName, tensors) in files where fileName.hasPrefix("sharded") {
            for (name, want) in tensors {
                let tensor = try XCTUnwrap(sharded.tensors.first { $0.name == name }, name)
                XCTAssertTrue(tensor.data.file.path.hasSuffix(fileName), name)
                XCTAssertEqual(tensor.shape, want["shape"] as? [Int], name)
                let bits = try XCTUnwrap(want["f32_bits_hex"] as? String)
                XCTAssertEqual(try floatBitsHex(of: tensor), bits, name)
                compared += 1
            }
        }
        XCTAssertEqual(compared, 7)
        let types = Set(sharded.tensors.map(\.type))
        XCTAssertEqual(types, [.f32, .f16, .bf16, .i8, .u8])
    }

    func testUnsupportedDTypesAreListedNotFatal() throws {
        let file = try SafetensorsFile(contentsOf: TestPaths.fixtures.appendingPathComponent("mixed-dtypes.safetensors"))
        let types = Dictionary(uniqueKeysWithValues: file.tensors.map { ($0.name, $0.type) })
        XCTAssertEqual(types, ["a.weight": .f32, "b.double": .f64, "position_ids": .i64])
        XCTAssertFalse(TensorType.f64.isSupportedWeightType)
        XCTAssertTrue(TensorType.bf16.isSupportedWeightType)
    }
}
