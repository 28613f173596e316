import Foundation
import XCTest
@testable import ModelFormats

/// torch.save-format checkpoints (Tests/Fixtures/formats/pytorch, made by scripts/fixtures/pytorch_fixtures.py).
final class PyTorchCheckpointTests: XCTestCase {
    let folder = TestPaths.fixtures.appendingPathComponent("pytorch")

    func expected() throws -> [String: [String: [String: Any]]] {
        let json = try XCTUnwrap(TestPaths.json(folder.appendingPathComponent("expected.json")) as? [String: Any])
        return try XCTUnwrap(json["files"] as? [String: [String: [String: Any]]])
    }

    func testEveryPickleProtocolGivesTheSameStateDict() throws {
        let expected = try expected()
        for name in (2...5).map({ "protocols/state-p\($0).pt" }) + ["zip64/state-zip64.pt"] {
            let checkpoint = try PyTorchCheckpoint(contentsOf: folder.appendingPathComponent(name))
            let want = try XCTUnwrap(expected[name])
            XCTAssertEqual(checkpoint.tensors.map(\.name), ["embed.weight", "proj.weight", "norm.weight", "q.int8", "q.uint8",
                                                            "head.weight", "slice.weight", "param.bias", "position_ids"], name)
            for tensor in checkpoint.tensors {
                let entry = try XCTUnwrap(want[tensor.name], tensor.name)
                XCTAssertEqual(tensor.shape, entry["shape"] as? [Int], "\(name) \(tensor.name)")
                XCTAssertEqual(try floatBitsHex(of: tensor), entry["f32_bits_hex"] as? String, "\(name) \(tensor.name)")
            }
            let types = Dictionary(uniqueKeysWithValues: checkpoint.tensors.map { ($0.name, $0.type) })
            XCTAssertEqual(types["proj.weight"], .f16)
            XCTAssertEqual(types["norm.weight"], .bf16)
            XCTAssertEqual(types["q.uint8"], .u8)
            XCTAssertEqual(types["position_ids"], .i64)
            // The tied weight is the same bytes, not a copy.
            let embed = try XCTUnwrap(checkpoint.tensors.first { $0.name == "embed.weight" })
            let head = try XCTUnwrap(checkpoint.tensors.first { $0.name == "head.weight" })
            XCTAssertEqual(embed.data.bytes.baseAddress, head.data.bytes.baseAddress)
        }
    }

    func testShardedStarlingLikeStateDict() throws {
        let expected = try expected()
        let sharded = try ShardedPyTorchCheckpoint(index: folder.appendingPathComponent("starling-like/pytorch_model.bin.index.json"))
        XCTAssertEqual(sharded.shards.count, 2)
        XCTAssertEqual(sharded.tensors.count, 2 * 9 + 3)
        XCTAssertTrue(sharded.tensors.contains { $0.name == "v_head.weight" && $0.shape == [1, 16] })
        XCTAssertTrue(sharded.tensors.allSatisfy { $0.type == .bf16 })
        for tensor in sharded.tensors {
            let shard = URL(fileURLWithPath: tensor.data.file.path).lastPathComponent
            let entry = try XCTUnwrap(expected["starling-like/\(shard)"]?[tensor.name], tensor.name)
            XCTAssertEqual(try floatBitsHex(of: tensor), entry["f32_bits_hex"] as? String, tensor.name)
        }
    }

    /// A real file written by torch itself (facenet-pytorch's P-Net, legacy pre-1.6 stream format), against what
    /// CPython's unpickler reads from it (scripts/fixtures/pytorch_legacy_fixture.py).
    func testRealLegacyTorchFile() throws {
        let checkpoint = try PyTorchCheckpoint(contentsOf: folder.appendingPathComponent("legacy/pnet.pt"))
        let json = try XCTUnwrap(TestPaths.json(folder.appendingPathComponent("legacy/expected.json")) as? [String: Any])
        let expected = try XCTUnwrap(json["tensors"] as? [String: [String: Any]])
        XCTAssertEqual(checkpoint.tensors.count, 13)
        XCTAssertEqual(Set(checkpoint.tensors.map(\.name)), Set(expected.keys))
        for tensor in checkpoint.tensors {
            let want = try XCTUnwrap(expected[tensor.name])
            XCTAssertEqual(tensor.type, .f32)
            XCTAssertEqual(tensor.shape, want["shape"] as? [Int], tensor.name)
            XCTAssertEqual(try floatBitsHex(of: tensor), want["f32_bits_hex"] as? String, tensor.name)
        }
        XCTAssertEqual(checkpoint.tensors.first?.name, "conv1.weight", "state-dict order kept")
    }

    func testATransposedViewIsReadInRowMajorOrder() throws {
        let checkpoint = try PyTorchCheckpoint(contentsOf: folder.appendingPathComponent("strided/transposed.pt"))
        let w = try XCTUnwrap(checkpoint.tensors.first)
        XCTAssertEqual(w.shape, [3, 2])
        XCTAssertEqual(w.data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }, [0, 3, 1, 4, 2, 5])
    }

    func testMaliciousPicklesAreRefusedAndNeverRun() throws {
        let marker = "/tmp/alignscope-pwned"
        try? FileManager.default.removeItem(atPath: marker)
        for (name, global) in [("os-system", "os.system"), ("eval-builtin", "builtins.eval")] {
            XCTAssertThrowsError(try PyTorchCheckpoint(contentsOf: folder.appendingPathComponent("malicious/\(name).pt"))) { error in
                let formatError = error as? FormatError
                XCTAssertEqual(formatError?.kind, .forbiddenGlobal, "\(error)")
                XCTAssertTrue(formatError?.description.contains(global) ?? false, "\(error)")
                XCTAssertTrue(formatError?.description.contains("data.pkl") ?? false, "\(error)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
    }
}
