import Foundation
import XCTest
@testable import ModelFormats

final class BadSafetensorsTests: XCTestCase {
    func parse(_ bytes: [UInt8]) throws -> SafetensorsFile {
        try SafetensorsFile(mapping: MappedFile(copying: bytes, path: "bad.safetensors"))
    }

    /// A safetensors file with header `json` (padded with spaces, as the library does) and `data` bytes of data.
    func file(_ json: String, data: Int = 32) -> [UInt8] {
        var header = Array(json.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
        return bytes + header + [UInt8](repeating: 0, count: data)
    }

    func testValidHandMadeFile() throws {
        let parsed = try parse(file(#"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"BF16","shape":[8],"data_offsets":[16,32]}}"#))
        XCTAssertEqual(parsed.tensors.map(\.name), ["a", "b"])
    }

    func testLyingHeaders() throws {
        assertFormatError(.truncated, mentioning: ["bad.safetensors"]) { try parse([1, 2, 3]) }
        assertFormatError(.truncated, mentioning: ["header of 4096 bytes"]) { try parse([0, 16, 0, 0, 0, 0, 0, 0, 0x7b]) }
        assertFormatError(.inconsistent, mentioning: ["limit"]) { try parse([0, 0, 0, 0, 0, 0, 0, 1] + Array("{}".utf8)) }
        assertFormatError(.badMagic) { try parse(file("[1, 2]")) }
        assertFormatError(.malformedJSON, mentioning: ["invalid JSON"]) { try parse(file(#"{"a": {"dtype": "F32", "#)) }
        assertFormatError(.unsupported, mentioning: ["tensor \"a\"", "F99"]) {
            try parse(file(#"{"a":{"dtype":"F99","shape":[2],"data_offsets":[0,8]}}"#))
        }
        assertFormatError(.truncated, mentioning: ["tensor \"a\"", "past the end"]) {
            try parse(file(#"{"a":{"dtype":"F32","shape":[16],"data_offsets":[0,64]}}"#))
        }
        assertFormatError(.inconsistent, mentioning: ["tensor \"a\"", "needs 16 bytes"]) {
            try parse(file(#"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}"#))
        }
        assertFormatError(.inconsistent, mentioning: ["overlaps"]) {
            try parse(file(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}"#))
        }
        assertFormatError(.inconsistent, mentioning: ["impossible shape"]) {
            try parse(file(#"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#))
        }
        assertFormatError(.inconsistent, mentioning: ["impossible shape"]) {
            try parse(file(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,16]}}"#))
        }
        assertFormatError(.inconsistent, mentioning: ["reversed"]) {
            try parse(file(#"{"a":{"dtype":"F32","shape":[0],"data_offsets":[16,8]}}"#))
        }
        assertFormatError(.malformedJSON, mentioning: ["data_offsets"]) {
            try parse(file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,1e300]}}"#))
        }
        assertFormatError(.malformedJSON, mentioning: ["__metadata__"]) { try parse(file(#"{"__metadata__":{"x":1}}"#)) }
    }

    func testEveryTruncationOfTheTinyModelIsAnError() throws {
        let bytes = try Array(Data(contentsOf: TestPaths.sharedFile("models/tiny-random-llama/model.safetensors")))
        for length in Array(0..<2200) + [bytes.count - 1] {
            assertFormatError(.truncated, "\(length) bytes") { try parse(Array(bytes[0..<length])) }
        }
    }

    func testShardIndexLies() throws {
        let folder = try TestPaths.scratchDirectory()
        let source = TestPaths.fixtures.appendingPathComponent("sharded-safetensors")
        for name in ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let index = folder.appendingPathComponent("model.safetensors.index.json")
        let cases: [(String, FormatError.Kind, String)] = [
            (#"{"weight_map": {"lm_head.weight": "model-00001-of-00002.safetensors"}}"#, .inconsistent, "not found in model-00001"),
            (#"{"weight_map": {"lm_head.weight": "model-00001-of-00002.safetensors", "model.norm.weight": "model-00002-of-00002.safetensors"}}"#,
             .inconsistent, "listed in model-00001-of-00002.safetensors but stored in model-00002"),
            (#"{"weight_map": {"x": "model-00003-of-00002.safetensors"}}"#, .missingFile, "model-00003"),
            (#"{"weight_map": {"x": "../etc/passwd"}}"#, .malformedJSON, "weight_map.x"),
            (#"{"weight_map": {}}"#, .inconsistent, "empty"),
            (#"{"metadata": {}}"#, .malformedJSON, "weight_map"),
            ("{", .malformedJSON, index.path),
        ]
        for (json, kind, mention) in cases {
            try Data(json.utf8).write(to: index)
            assertFormatError(kind, mentioning: [mention], json) { try ShardedSafetensors(index: index) }
        }
    }
}

final class BadPyTorchTests: XCTestCase {
    let bad = TestPaths.fixtures.appendingPathComponent("pytorch/bad")

    func testLyingArchives() throws {
        assertFormatError(.inconsistent, mentioning: ["tensor \"w\"", "missing-storage/data/0"]) {
            try PyTorchCheckpoint(contentsOf: bad.appendingPathComponent("missing-storage.pt"))
        }
        assertFormatError(.inconsistent, mentioning: ["tensor \"w\"", "does not fit"]) {
            try PyTorchCheckpoint(contentsOf: bad.appendingPathComponent("tensor-past-storage.pt"))
        }
        assertFormatError(.inconsistent, mentioning: ["tensor \"w\"", "reach past its storage"]) {
            try PyTorchCheckpoint(contentsOf: bad.appendingPathComponent("stride-past-storage.pt"))
        }
        assertFormatError(.unsupported, mentioning: ["compressed"]) {
            try PyTorchCheckpoint(contentsOf: bad.appendingPathComponent("deflated.pt"))
        }
        assertFormatError(.unsupported, mentioning: ["nested deeper", "data.pkl"]) {
            try PyTorchCheckpoint(contentsOf: bad.appendingPathComponent("deep-nesting.pt"))
        }
        assertFormatError(.inconsistent, mentioning: ["not a dict"]) {
            try PyTorchCheckpoint(contentsOf: bad.appendingPathComponent("top-level-list.pt"))
        }
        assertFormatError(.badMagic) { try PyTorchCheckpoint(mapping: MappedFile(copying: Array("hello".utf8), path: "x.bin")) }
        assertFormatError(.badMagic) { try PyTorchCheckpoint(mapping: MappedFile(copying: [0x80, 0x02, 0x8a, 0x0a], path: "old.bin")) }
    }

    func testEveryTruncationAndCorruptionOfARealLegacyFile() throws {
        let bytes = try Array(Data(contentsOf: bad.deletingLastPathComponent().appendingPathComponent("legacy/pnet.pt")))
        for length in stride(from: 0, to: bytes.count, by: 7) {
            assertFormatError(length < 15 ? .badMagic : .truncated, "\(length) of \(bytes.count) bytes") {
                try PyTorchCheckpoint(mapping: MappedFile(copying: bytes[0..<length], path: "t.pt"))
            }
        }
        for position in 0..<1200 {  // the pickles; after them come raw floats
            var mutant = bytes
            mutant[position] ^= 0xff
            do { _ = try PyTorchCheckpoint(mapping: MappedFile(copying: mutant, path: "m.pt")) } catch is FormatError {}
        }
    }

    /// Pickles that try to do more than describe tensors, run by the machine directly.
    func testHostilePickles() throws {
        let cases: [([UInt8], FormatError.Kind, String)] = [
            (Array("cposix\nsystem\n(S'ls'\ntR.".utf8), .forbiddenGlobal, "posix.system"),
            ([0x80, 0x04, 0x8c, 0x08] + Array("builtins".utf8) + [0x8c, 0x04] + Array("exec".utf8) + [0x93, 0x2e], .forbiddenGlobal, "builtins.exec"),
            (Array("ctorch\nFloatStorage\n)R.".utf8), .forbiddenGlobal, "cannot be called"),
            ([0x80, 0x02, 0x6a, 0xff, 0xff, 0xff, 0x7f, 0x2e], .inconsistent, "never stored"),
            ([0x80, 0x02, 0x58, 0xff, 0xff, 0xff, 0xff], .truncated, "string"),
            ([0x80, 0x02, 0x8d] + [UInt8](repeating: 0xff, count: 8), .truncated, "length"),
            ([0x80, 0x02, 0x5d, 0x32, 0x61, 0x2e], .unsupported, "contains itself"),
            ([0x80, 0x02, 0x5d, 0x4b, 0x01, 0x4b, 0x02, 0x73, 0x2e], .inconsistent, "SETITEM on a non-dict"),
            ([0x80, 0x02, 0x7d, 0x71, 0x00, 0x5d, 0x68, 0x00, 0x61, 0x68, 0x00, 0x4b, 0x01, 0x4b, 0x02, 0x73, 0x2e], .unsupported, "after being nested"),
            ([0x80, 0x02, 0x2e], .inconsistent, "empty stack"),
            ([0x80, 0x02, 0x52], .inconsistent, "underflow"),
            ([0x80, 0x02, 0x97, 0x2e], .unsupported, "0x97"),
            ([0x80, 0x09], .unsupported, "protocol 9"),
            ([0x80, 0x02, 0x8b, 0x10, 0x00, 0x00, 0x00], .unsupported, "16 bytes"),
            ([0x80, 0x02, 0x75], .inconsistent, "MARK"),
        ]
        for (program, kind, mention) in cases {
            assertFormatError(kind, mentioning: [mention, "data.pkl"], "\(program)") {
                try program.withUnsafeBytes { bytes throws(FormatError) in
                    var machine = PickleMachine(bytes, path: "x.pt", place: .entry("x/data.pkl"), fileOffset: 0)
                    return try machine.run()
                }
            }
        }
    }

    func testEveryTruncationAndByteCorruptionOfARealArchive() throws {
        let bytes = try Array(Data(contentsOf: TestPaths.fixtures.appendingPathComponent("pytorch/protocols/state-p4.pt")))
        var accepted = 0
        for length in 0..<bytes.count {
            do { _ = try PyTorchCheckpoint(mapping: MappedFile(copying: bytes[0..<length], path: "t.pt")) } catch is FormatError { continue }
            accepted += 1
        }
        XCTAssertEqual(accepted, 0, "a truncated archive opened")
        for position in 0..<bytes.count {
            for value: UInt8 in [0x00, 0xff] where bytes[position] != value {
                var mutant = bytes
                mutant[position] = value
                do { _ = try PyTorchCheckpoint(mapping: MappedFile(copying: mutant, path: "m.pt")) } catch is FormatError {}
            }
        }
    }
}
