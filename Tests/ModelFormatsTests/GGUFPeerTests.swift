import Foundation
import XCTest
@testable import ModelFormats

/// GGUFFile against gguf-py's listing of the same files (Tests/Fixtures/formats/gguf-listings.json, made by
/// scripts/fixtures/gguf_listings.py): every metadata entry and every tensor.
final class GGUFPeerTests: XCTestCase {
    func testEveryListedFileMatchesGGUFPy() throws {
        let listing = try XCTUnwrap(TestPaths.json(TestPaths.fixtures.appendingPathComponent("gguf-listings.json")) as? [String: Any])
        let files = try XCTUnwrap(listing["files"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(files.count, 7)
        var checked = 0
        for expected in files {
            let name = try XCTUnwrap(expected["file"] as? String)
            let url = name.hasPrefix("~/") ? TestPaths.smolLM2
                : name.hasPrefix("fixtures/") ? TestPaths.fixtures.appendingPathComponent(String(name.dropFirst("fixtures/".count)))
                : TestPaths.sharedFile(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            try compare(GGUFFile(contentsOf: url), with: expected, name: name)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 8)
    }

    private func compare(_ file: GGUFFile, with expected: [String: Any], name: String) throws {
        XCTAssertEqual(Int(file.version), expected["version"] as? Int, name)
        XCTAssertEqual(file.alignment, expected["alignment"] as? Int, name)
        let entries = try XCTUnwrap(expected["metadata"] as? [[String: Any]])
        XCTAssertEqual(file.metadata.keys, entries.compactMap { $0["key"] as? String }, "\(name): keys in order")
        for entry in entries {
            let key = try XCTUnwrap(entry["key"] as? String)
            let value = try XCTUnwrap(file.metadata[key], "\(name): \(key)")
            let type = try XCTUnwrap(entry["type"] as? String)
            XCTAssertEqual(value.type.description, type, "\(name): \(key)")
            switch value {
            case .array(let array):
                XCTAssertEqual(array.elementType.description, entry["element_type"] as? String, "\(name): \(key)")
                XCTAssertEqual(array.count, entry["count"] as? Int, "\(name): \(key)")
                if array.elementType == .array { continue }
                XCTAssertEqual(String(format: "%016llx", digest(array)), entry["fnv1a64"] as? String, "\(name): \(key) contents")
                let samples = try XCTUnwrap(entry["samples"] as? [String: Any])
                let values = array.values()
                for (index, sample) in samples {
                    let i = try XCTUnwrap(Int(index))
                    assertScalar(values[i], equals: sample, "\(name): \(key)[\(i)]")
                }
            default:
                assertScalar(value, equals: entry["value"] as Any, "\(name): \(key)")
            }
        }
        let tensors = try XCTUnwrap(expected["tensors"] as? [[String: Any]])
        XCTAssertEqual(file.tensors.count, tensors.count, name)
        for (tensor, want) in zip(file.tensors, tensors) {
            XCTAssertEqual(tensor.name, want["name"] as? String)
            XCTAssertEqual(tensor.type.description, want["type"] as? String, tensor.name)
            XCTAssertEqual(tensor.dimensions, want["ne"] as? [Int], tensor.name)
            XCTAssertEqual(tensor.data.fileOffset, want["data_offset_in_file"] as? Int, tensor.name)
            XCTAssertEqual(tensor.byteCount, want["bytes"] as? Int, tensor.name)
            if let values = want["f32_bits_hex"] as? String {
                let view = TensorView(name: tensor.name, type: TensorType(tensor.type), shape: tensor.shape, data: tensor.data)
                XCTAssertEqual(try floatBitsHex(of: view), values, "\(name): \(tensor.name) dequantised")
            }
        }
    }

    private func assertScalar(_ value: GGUFValue, equals expected: Any, _ message: String) {
        switch value {
        case .string(let s): XCTAssertEqual(s, expected as? String, message)
        case .bool(let b): XCTAssertEqual(b, expected as? Bool, message)
        case .float32(let f): XCTAssertEqual(Double(f), (expected as? NSNumber)?.doubleValue, message)
        case .float64(let f): XCTAssertEqual(f, (expected as? NSNumber)?.doubleValue, message)
        case .array: XCTFail("\(message): unexpected nested array")
        default: XCTAssertEqual(value.int, (expected as? NSNumber)?.intValue, message)
        }
    }

    /// FNV-1a 64 over each element's canonical bytes, as the fixture script computes it.
    private func digest(_ array: GGUFArray) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func feed<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
            for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        }
        for value in array.values() {
            switch value {
            case .string(let s): feed(Array(s.utf8) + [0])
            case .float32(let f): feed(withUnsafeBytes(of: f.bitPattern.littleEndian, Array.init))
            case .float64(let f): feed(withUnsafeBytes(of: f.bitPattern.littleEndian, Array.init))
            case .bool(let b): feed([b ? 1 : 0])
            default: feed(withUnsafeBytes(of: Int64(value.int ?? 0).littleEndian, Array.init))
            }
        }
        return h
    }

    func testEveryMetadataTypeAndNestedArrays() throws {
        let file = try GGUFFile(contentsOf: TestPaths.fixtures.appendingPathComponent("every-type.gguf"))
        XCTAssertEqual(file.metadata.int("t.u64"), 1 << 40)
        XCTAssertEqual(file.metadata.int("t.i64"), -(1 << 40))
        XCTAssertEqual(file.metadata.double("t.f64"), 0.25)
        XCTAssertEqual(file.metadata.bool("t.bool"), true)
        XCTAssertEqual(file.metadata.string("t.string"), "héllo")
        XCTAssertEqual(file.metadata.strings("t.strings"), ["<s>", "</s>", "a b"])
        XCTAssertEqual(file.metadata.floats("t.floats"), [0.5, 1.5])
        let nested = try XCTUnwrap(file.metadata.array("t.nested")?.values())
        XCTAssertEqual(nested.map { $0.array?.integers() }, [[1, 2], [3]])
        XCTAssertNil(file.metadata.strings("t.ints"), "typed accessors do not convert")
    }

    func testTokenizerEntriesOfTheLlamaSPMVocabulary() throws {
        let file = try GGUFFile(contentsOf: TestPaths.sharedFile("tokenizers/llamacpp-suite/ggml-vocab-llama-spm.gguf"))
        XCTAssertEqual(file.metadata.string("tokenizer.ggml.model"), "llama")
        let tokens = try XCTUnwrap(file.metadata.strings("tokenizer.ggml.tokens"))
        let scores = try XCTUnwrap(file.metadata.floats("tokenizer.ggml.scores"))
        let types = try XCTUnwrap(file.metadata.integers("tokenizer.ggml.token_type"))
        XCTAssertEqual(tokens.count, 32000)
        XCTAssertEqual(scores.count, 32000)
        XCTAssertEqual(types.count, 32000)
        XCTAssertEqual(tokens[1], "<s>")
        XCTAssertEqual(tokens[3], "<0x00>")
        XCTAssertEqual(file.metadata.int("tokenizer.ggml.bos_token_id"), 1)
        XCTAssertEqual(file.metadata.int("tokenizer.ggml.eos_token_id"), 2)
        XCTAssertTrue(file.tensors.isEmpty)
    }

    func testSmolLM2ShapesTemplateAndMerges() throws {
        let file = try GGUFFile(contentsOf: TestPaths.requireSmolLM2())
        XCTAssertEqual(file.architecture, "llama")
        let q = try XCTUnwrap(file.tensor(named: "blk.0.attn_q.weight"))
        XCTAssertEqual(q.type, .q4_1)
        XCTAssertEqual(q.dimensions, [576, 576])
        let embedding = try XCTUnwrap(file.tensor(named: "token_embd.weight"))
        XCTAssertEqual(embedding.shape, [49152, 576])
        XCTAssertEqual(embedding.type, .q8_0)
        XCTAssertTrue(file.metadata.string("tokenizer.chat_template")?.contains("<|im_start|>") ?? false)
        XCTAssertEqual(file.metadata.strings("tokenizer.ggml.merges")?.first, "Ġ t")
    }
}
