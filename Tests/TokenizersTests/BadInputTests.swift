import Foundation
import XCTest
@testable import Tokenizers

/// Malformed tokenizer.json, truncated tokenizer.model and GGUF files without their vocabulary arrays: each
/// gives a typed error naming the file and the JSON path or byte offset, and nothing crashes.
final class BadInputTests: XCTestCase {
    let file = "bad/tokenizer.json"

    func jsonError(_ text: String) -> TokenizerError? {
        do {
            _ = try TokenizerJSON.parse(Array(text.utf8), file: file)
            return nil
        } catch {
            return error
        }
    }

    static let minimalModel = #"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}"#

    func testAMinimalTokenizerJSONLoads() throws {
        let tokenizer = try TokenizerJSON.parse(Array(#"{"model":\#(Self.minimalModel)}"#.utf8), file: file)
        XCTAssertEqual(tokenizer.encode("abab", addSpecialTokens: true), [2, 2])
        XCTAssertEqual(tokenizer.decode([2, 0]), "ab a")
    }

    func testTruncatedJSONNamesTheOffset() {
        let text = #"{"model": {"type": "BPE", "vocab": {"a": 0"#
        XCTAssertEqual(jsonError(text), .malformedJSON(file: file, offset: text.utf8.count, reason: "unexpected end of input in an object"))
        XCTAssertEqual(jsonError(""), .malformedJSON(file: file, offset: 0, reason: "unexpected end of input"))
        XCTAssertEqual(jsonError("{} x"), .malformedJSON(file: file, offset: 3, reason: "unexpected data after the top-level value"))
    }

    func testDeepNestingIsRefusedNotACrash() {
        let text = String(repeating: "[", count: 100_000)
        guard case .malformedJSON(_, let offset, let reason)? = jsonError(text) else {
            return XCTFail("expected malformedJSON")
        }
        XCTAssertEqual(offset, JSONNode.maximumDepth)
        XCTAssertTrue(reason.contains("nesting"))
    }

    func testMissingModel() {
        XCTAssertEqual(jsonError(#"{"normalizer": null}"#), .invalidField(file: file, path: "$.model", reason: "missing"))
    }

    func testWrongTypes() {
        XCTAssertEqual(jsonError(#"{"model": {"type": "BPE", "vocab": [1, 2], "merges": []}}"#),
                       .invalidField(file: file, path: "$.model.vocab", reason: "expected an object, found an array"))
        XCTAssertEqual(jsonError(#"{"model": {"type": "BPE", "vocab": {"a": "zero"}, "merges": []}}"#),
                       .invalidField(file: file, path: #"$.model.vocab["a"]"#, reason: "expected a token id in 0..<4000000"))
        XCTAssertEqual(jsonError(#"{"model": {"type": "BPE", "vocab": {"a": -1}, "merges": []}}"#),
                       .invalidField(file: file, path: #"$.model.vocab["a"]"#, reason: "expected a token id in 0..<4000000"))
        XCTAssertEqual(jsonError(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [7]}}"#),
                       .invalidField(file: file, path: "$.model.merges[0]", reason: "expected a string or a pair, found a number"))
        XCTAssertEqual(jsonError(#"{"model": \#(Self.minimalModel), "added_tokens": [{"content": "<s>"}]}"#),
                       .invalidField(file: file, path: "$.added_tokens[0].id", reason: "missing"))
        XCTAssertEqual(jsonError(#"{"model": \#(Self.minimalModel), "added_tokens": [{"id": 1.5, "content": "x"}]}"#),
                       .invalidField(file: file, path: "$.added_tokens[0].id", reason: "expected an integer in 0...4000000, found 1.5"))
        XCTAssertEqual(jsonError(#"{"model": \#(Self.minimalModel), "normalizer": {"type": "Lowercase"}, "decoder": {"type": 3}}"#),
                       .invalidField(file: file, path: "$.decoder.type", reason: "expected a string, found a number"))
    }

    func testMergesReferringToUnknownTokens() {
        XCTAssertEqual(jsonError(#"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b", "a c"]}}"#),
                       .invalidField(file: file, path: "$.model.merges[1]",
                                     reason: #"merge refers to "c", which is not in the vocabulary"#))
        XCTAssertEqual(jsonError(#"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": [["a", "b"]]}}"#),
                       .invalidField(file: file, path: "$.model.merges[0]",
                                     reason: #"merge refers to "ab", which is not in the vocabulary"#))
        XCTAssertEqual(jsonError(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a a a"]}}"#),
                       .invalidField(file: file, path: "$.model.merges[0]", reason: #"expected "left right" with one space"#))
    }

    func testUnsupportedComponentsAreNamed() {
        XCTAssertEqual(jsonError(#"{"model": {"type": "Mystery"}}"#),
                       .unsupported(file: file, path: "$.model.type", what: "model type \"Mystery\""))
        XCTAssertEqual(jsonError(#"{"model": \#(Self.minimalModel), "normalizer": {"type": "Sequence", "normalizers": [{"type": "Nmt"}]}}"#),
                       .unsupported(file: file, path: "$.normalizer.normalizers[0].type", what: "normalizer \"Nmt\""))
        XCTAssertEqual(jsonError(#"{"model": \#(Self.minimalModel), "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(unclosed"}, "behavior": "Isolated"}}"#),
                       .invalidField(file: file, path: "$.pre_tokenizer.pattern.Regex", reason: "invalid regular expression"))
        XCTAssertEqual(jsonError(#"{"model": \#(Self.minimalModel), "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>"}}], "special_tokens": {}}}"#),
                       .invalidField(file: file, path: "$.post_processor.single[0].SpecialToken",
                                     reason: "special token \"<s>\" is not in special_tokens"))
        XCTAssertEqual(jsonError(#"{"model": {"type": "Unigram", "vocab": [["a", -1.0]], "unk_id": 5}}"#),
                       .invalidField(file: file, path: "$.model.unk_id", reason: "expected an integer in 0...0, found 5.0"))
    }

    func testMutatedTokenizerJSONNeverCrashes() throws {
        let original = try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("mini-wordpiece/tokenizer.json"))
        var generator = SplitMix64(seed: 221)
        var failures = 0
        for round in 0..<300 {
            var bytes = [UInt8](original)
            switch round % 3 {
            case 0: bytes.removeSubrange(Int(generator.next() % UInt64(bytes.count))...)
            case 1: for _ in 0..<8 { bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next()) }
            default:
                let at = Int(generator.next() % UInt64(bytes.count))
                bytes.insert(contentsOf: Array(#"{"type":"#.utf8), at: at)
            }
            do {
                let tokenizer = try TokenizerJSON.parse(bytes, file: file)
                _ = tokenizer.decode(tokenizer.encode("Hello wörld 123", addSpecialTokens: true))
            } catch {
                failures += 1
                XCTAssertTrue(error.description.hasPrefix(file), error.description)
            }
        }
        XCTAssertGreaterThan(failures, 100)
    }

    // MARK: tokenizer.model

    func spmError(_ bytes: [UInt8]) -> TokenizerError? {
        do {
            _ = try SentencePieceModel.parse(bytes, file: "bad/tokenizer.model").makeTokenizer(file: "bad/tokenizer.model")
            return nil
        } catch {
            return error
        }
    }

    func testTruncatedSentencePieceModelNamesTheOffset() throws {
        let model = [UInt8](try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("mini-spm-bpe/tokenizer.model")))
        XCTAssertNil(spmError(model))
        var generator = SplitMix64(seed: 7)
        var cuts = Array(1..<64) + (0..<300).map { _ in Int(generator.next() % UInt64(model.count)) }
        cuts.append(model.count - 1)
        for cut in cuts {
            guard let error = spmError(Array(model[..<cut])) else { continue }
            switch error {
            case .malformedBinary(let file, let offset, let reason):
                XCTAssertEqual(file, "bad/tokenizer.model")
                XCTAssertLessThanOrEqual(offset, cut, reason)
            default:
                XCTFail("cut at \(cut): unexpected \(error)")
            }
        }
        guard case .malformedBinary(_, _, let reason)? = spmError(Array(model[..<(model.count - 1)])) else {
            return XCTFail("a model missing its last byte must not load")
        }
        XCTAssertTrue(reason.hasPrefix("truncated protobuf"), reason)
    }

    func testInconsistentSentencePieceModels() {
        // A piece of unknown type 9.
        XCTAssertEqual(spmError([0x0A, 0x05, 0x0A, 0x01, 0x61, 0x18, 0x09]),
                       .malformedBinary(file: "bad/tokenizer.model", offset: 2, reason: "piece 0 has unknown type 9"))
        // No pieces at all.
        XCTAssertEqual(spmError([0x12, 0x00]),
                       .malformedBinary(file: "bad/tokenizer.model", offset: 0, reason: "ModelProto has no pieces"))
        // A piece that is not an unknown piece where trainer_spec.unk_id (default 0) points.
        XCTAssertEqual(spmError([0x0A, 0x03, 0x0A, 0x01, 0x61]),
                       .malformedBinary(file: "bad/tokenizer.model", offset: 0,
                                        reason: "trainer_spec.unk_id 0 is not an unknown piece"))
        // Wire type 7 does not exist.
        XCTAssertEqual(spmError([0x0F]),
                       .malformedBinary(file: "bad/tokenizer.model", offset: 0, reason: "unsupported wire type 7 for field 1"))
        // An endless varint.
        XCTAssertEqual(spmError([0x08] + [UInt8](repeating: 0xFF, count: 12)),
                       .malformedBinary(file: "bad/tokenizer.model", offset: 12, reason: "varint longer than 10 bytes"))
        // byte_fallback without the 256 byte pieces: <unk> (type 2), then trainer_spec { byte_fallback: true }.
        let unk: [UInt8] = [0x0A, 0x09, 0x0A, 0x05] + Array("<unk>".utf8) + [0x18, 0x02]
        XCTAssertEqual(spmError(unk + [0x12, 0x03, 0x98, 0x02, 0x01]),
                       .malformedBinary(file: "bad/tokenizer.model", offset: 0,
                                        reason: "byte_fallback is set but not all 256 byte pieces exist"))
        XCTAssertNil(spmError(unk))
    }

    // MARK: GGUF

    func ggufError(_ entries: [(String, GGUFTestWriter.Value)]) throws -> TokenizerError? {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-bad-\(UUID().uuidString).gguf")
        try Data(GGUFTestWriter.file(entries)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try GGUFVocabulary.load(path: url.path)
            return nil
        } catch {
            guard case .missingMetadata(let file, let key, let reason) = error else { return error }
            XCTAssertEqual(file, url.path)
            return .missingMetadata(file: "x.gguf", key: key, reason: reason)
        }
    }

    func testGGUFWithoutTokenizerArrays() throws {
        let tokens: [String] = ["<unk>", "<s>", "</s>", "a", "b", "ab"]
        XCTAssertEqual(try ggufError([("general.architecture", .string("llama"))]),
                       .missingMetadata(file: "x.gguf", key: "tokenizer.ggml.model",
                                        reason: "absent or not a string; this GGUF carries no tokenizer"))
        XCTAssertEqual(try ggufError([("tokenizer.ggml.model", .string("llama"))]),
                       .missingMetadata(file: "x.gguf", key: "tokenizer.ggml.tokens", reason: "absent or not an array"))
        XCTAssertEqual(try ggufError([("tokenizer.ggml.model", .string("llama")), ("tokenizer.ggml.tokens", .int32s([1, 2]))]),
                       .missingMetadata(file: "x.gguf", key: "tokenizer.ggml.tokens",
                                        reason: "expected a non-empty array of strings, found i32"))
        XCTAssertEqual(try ggufError([("tokenizer.ggml.model", .string("llama")), ("tokenizer.ggml.tokens", .strings(tokens))]),
                       .missingMetadata(file: "x.gguf", key: "tokenizer.ggml.scores", reason: "a SentencePiece vocabulary needs scores"))
        XCTAssertEqual(try ggufError([("tokenizer.ggml.model", .string("llama")), ("tokenizer.ggml.tokens", .strings(tokens)),
                                      ("tokenizer.ggml.scores", .floats([0, 0]))]),
                       .missingMetadata(file: "x.gguf", key: "tokenizer.ggml.scores", reason: "expected 6 floats, found 2 f32"))
        XCTAssertEqual(try ggufError([("tokenizer.ggml.model", .string("llama")), ("tokenizer.ggml.tokens", .strings(tokens)),
                                      ("tokenizer.ggml.token_type", .int32s([2, 3, 3]))]),
                       .missingMetadata(file: "x.gguf", key: "tokenizer.ggml.token_type", reason: "expected 6 integers, found 3 i32"))
        XCTAssertEqual(try ggufError([("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.tokens", .strings(tokens))]),
                       .missingMetadata(file: "x.gguf", key: "tokenizer.ggml.merges", reason: "a byte-level BPE vocabulary needs merges"))
        XCTAssertEqual(try ggufError([("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.tokens", .strings(tokens)),
                                      ("tokenizer.ggml.merges", .strings(["a b", "a c"]))]),
                       .missingMetadata(file: "x.gguf", key: "tokenizer.ggml.merges[1]",
                                        reason: "\"a c\" is not two tokens whose concatenation is a token"))
        XCTAssertEqual(try ggufError([("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.tokens", .strings(tokens)),
                                      ("tokenizer.ggml.merges", .strings(["a b"])), ("tokenizer.ggml.pre", .string("klingon"))]),
                       .missingMetadata(file: "x.gguf", key: "tokenizer.ggml.pre", reason: "unsupported pre-tokenizer \"klingon\""))
        XCTAssertEqual(try ggufError([("tokenizer.ggml.model", .string("rwkv")), ("tokenizer.ggml.tokens", .strings(tokens))]),
                       .missingMetadata(file: "x.gguf", key: "tokenizer.ggml.model", reason: "unsupported tokenizer model \"rwkv\""))
        XCTAssertEqual(try ggufError([("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.tokens", .strings(tokens)),
                                      ("tokenizer.ggml.merges", .strings(["a b"])), ("tokenizer.ggml.bos_token_id", .string("1"))]),
                       .missingMetadata(file: "x.gguf", key: "tokenizer.ggml.bos_token_id", reason: "expected an integer, found string"))
        // Complete: encodes.
        XCTAssertNil(try ggufError([("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.tokens", .strings(tokens)),
                                    ("tokenizer.ggml.merges", .strings(["a b"]))]))
    }

    func testTruncatedGGUFIsAMalformedBinary() throws {
        let bytes = GGUFTestWriter.file([("tokenizer.ggml.model", .string("gpt2")),
                                         ("tokenizer.ggml.tokens", .strings(["a", "b", "ab"]))])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-cut-\(UUID().uuidString).gguf")
        // Cut inside the last string of the token array (the file is padded to 32 bytes).
        let end = bytes.count - bytes.reversed().prefix { $0 == 0 }.count
        try Data(bytes.prefix(end - 1)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try GGUFVocabulary.load(path: url.path)) { error in
            guard case .malformedBinary(let file, _, _)? = error as? TokenizerError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, url.path)
        }
    }

    // MARK: Ids that are not in the vocabulary

    func testDecodingForeignIdsSkipsThem() throws {
        let tokenizer = try TokenizerJSON.load(contentsOf: TestPaths.fixtures.appendingPathComponent("mini-qwen2/tokenizer.json"))
        XCTAssertEqual(tokenizer.decode([-5, 1_000_000, Int.max, Int.min]), "")
        XCTAssertNil(tokenizer.tokenText(-1))
        var stream = tokenizer.makeStreamingDecoder()
        XCTAssertEqual(stream.append(-3), "")
    }
}

/// A deterministic generator for mutation tests.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes small GGUF v3 files with metadata only, for tests of what the tokenizer loader does with them.
enum GGUFTestWriter {
    enum Value {
        case string(String)
        case strings([String])
        case int32s([Int32])
        case floats([Float])
        case uint32(UInt32)
    }

    static func file(_ entries: [(String, Value)]) -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8)
        append(UInt32(3), to: &out)
        append(UInt64(0), to: &out)
        append(UInt64(entries.count), to: &out)
        for (key, value) in entries {
            appendString(key, to: &out)
            switch value {
            case .string(let s):
                append(UInt32(8), to: &out); appendString(s, to: &out)
            case .uint32(let v):
                append(UInt32(4), to: &out); append(v, to: &out)
            case .strings(let list):
                append(UInt32(9), to: &out); append(UInt32(8), to: &out); append(UInt64(list.count), to: &out)
                for s in list { appendString(s, to: &out) }
            case .int32s(let list):
                append(UInt32(9), to: &out); append(UInt32(5), to: &out); append(UInt64(list.count), to: &out)
                for v in list { append(UInt32(bitPattern: v), to: &out) }
            case .floats(let list):
                append(UInt32(9), to: &out); append(UInt32(6), to: &out); append(UInt64(list.count), to: &out)
                for v in list { append(v.bitPattern, to: &out) }
            }
        }
        while out.count % 32 != 0 { out.append(0) }
        return out
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func appendString(_ s: String, to out: inout [UInt8]) {
        append(UInt64(s.utf8.count), to: &out)
        out.append(contentsOf: s.utf8)
    }
}
