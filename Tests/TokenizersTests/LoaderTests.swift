import Foundation
import XCTest
@testable import Tokenizers

/// Picking the tokenizer from what a checkpoint has, tokenizer_config.json's flags, GGUF vocabularies against
/// the tokenizer.json they were converted from, and streaming decoding.
final class LoaderTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func link(_ source: URL, as name: String) throws {
        try FileManager.default.createSymbolicLink(at: scratch.appendingPathComponent(name), withDestinationURL: source)
    }

    func writeConfig(_ json: String) throws {
        try Data(json.utf8).write(to: scratch.appendingPathComponent("tokenizer_config.json"))
    }

    func testDirectoryPrefersTokenizerJSON() throws {
        let tokenizer = try TokenizerLoader.load(path: TestPaths.sharedTokenizers.appendingPathComponent("llama2").path)
        XCTAssertEqual(tokenizer.summary, "tokenizer.json BPE (32000)")
        XCTAssertEqual([tokenizer.bosID, tokenizer.eosID, tokenizer.unkID], [1, 2, 0])
        XCTAssertEqual(tokenizer.encode("Hello world"), [1, 15043, 3186])
        XCTAssertEqual(tokenizer.specialTokens, ["<unk>": 0, "<s>": 1, "</s>": 2])
        XCTAssertEqual(tokenizer.vocabularySize, 32000)
    }

    func testDirectoryFallsBackToTokenizerModel() throws {
        try link(TestPaths.sharedTokenizers.appendingPathComponent("llama2/tokenizer.model"), as: "tokenizer.model")
        let tokenizer = try TokenizerLoader.load(path: scratch.path)
        XCTAssertEqual(tokenizer.summary, "tokenizer.model SentencePiece BPE (32000)")
        XCTAssertEqual(tokenizer.encode("Hello world"), [1, 15043, 3186])
        XCTAssertEqual(tokenizer.encode("Hello <s>", addSpecialTokens: false), [15043, 29871, 1])
        XCTAssertEqual(tokenizer.pieces([15043, 3186, 13]), ["▁Hello", "▁world", "<0x0A>"])
    }

    func testDirectoryFallsBackToGGUF() throws {
        try link(TestPaths.shared.appendingPathComponent("models/llama-2-tiny-random.gguf"), as: "model.gguf")
        let tokenizer = try TokenizerLoader.load(path: scratch.path)
        XCTAssertEqual(tokenizer.summary, "GGUF llama SentencePiece BPE (32000)")
        XCTAssertEqual(tokenizer.encode("Hello world"), [1, 15043, 3186])
    }

    func testEmptyDirectoryAndMissingPath() throws {
        XCTAssertThrowsError(try TokenizerLoader.load(path: scratch.path)) { error in
            XCTAssertEqual(error as? TokenizerError, .noTokenizerFound(directory: scratch.path))
        }
        let missing = scratch.appendingPathComponent("nope").path
        XCTAssertThrowsError(try TokenizerLoader.load(path: missing)) { error in
            XCTAssertEqual(error as? TokenizerError, .unreadable(file: missing, reason: "no such file or directory"))
        }
    }

    func testConfigFlagsOverrideTheTemplate() throws {
        try link(TestPaths.sharedTokenizers.appendingPathComponent("llama2/tokenizer.json"), as: "tokenizer.json")
        try writeConfig(#"{"add_bos_token": false, "add_eos_token": true, "bos_token": {"content": "<s>"}, "eos_token": "</s>"}"#)
        let tokenizer = try TokenizerLoader.load(path: scratch.path)
        XCTAssertEqual(tokenizer.encode("Hello world"), [15043, 3186, 2])
        XCTAssertEqual(tokenizer.encode("Hello world", addSpecialTokens: false), [15043, 3186])
    }

    func testMalformedConfigIsNamed() throws {
        try link(TestPaths.sharedTokenizers.appendingPathComponent("llama2/tokenizer.json"), as: "tokenizer.json")
        try writeConfig(#"{"add_bos_token": "yes"}"#)
        XCTAssertThrowsError(try TokenizerLoader.load(path: scratch.path)) { error in
            XCTAssertEqual(error as? TokenizerError,
                           .invalidField(file: scratch.appendingPathComponent("tokenizer_config.json").path,
                                         path: "$.add_bos_token", reason: "expected a boolean, found a string"))
        }
    }

    func testSmolLM2AddsNoSpecialTokensAndNamesItsOwn() throws {
        let tokenizer = try TokenizerLoader.load(path: TestPaths.sharedTokenizers.appendingPathComponent("smollm2").path)
        XCTAssertEqual(tokenizer.encode("What is the capital of France?"),
                       tokenizer.encode("What is the capital of France?", addSpecialTokens: false))
        XCTAssertEqual([tokenizer.bosID, tokenizer.eosID, tokenizer.padID, tokenizer.unkID], [1, 2, 2, 0])
        XCTAssertEqual(tokenizer.encode("<|im_start|>user\nHi<|im_end|>", addSpecialTokens: false).first, 1)
        XCTAssertEqual(tokenizer.decode(tokenizer.encode("<|im_start|>user\nHi<|im_end|>"), skipSpecialTokens: true), "user\nHi")
    }

    /// A GGUF vocabulary must tokenize exactly as the tokenizer.json it came from.
    func assertSame(_ gguf: any Tokenizer, _ json: any Tokenizer, addSpecialTokens: Bool) {
        var mismatches: [String] = []
        for text in PeerFixtureTests.strings {
            let a = gguf.encode(text, addSpecialTokens: addSpecialTokens)
            let b = json.encode(text, addSpecialTokens: addSpecialTokens)
            if a != b { mismatches.append("\(text.debugDescription): \(a) != \(b)") }
            else if gguf.decode(a) != json.decode(b) { mismatches.append("decode \(text.debugDescription)") }
        }
        XCTAssertGreaterThan(PeerFixtureTests.strings.count, 1_000)
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) differ:\n" + mismatches.prefix(10).joined(separator: "\n"))
    }

    func testLlama2GGUFVocabularyEqualsTokenizerJSON() throws {
        let gguf = try TokenizerLoader.load(path: TestPaths.shared.appendingPathComponent("models/llama-2-tiny-random.gguf").path)
        let json = try TokenizerLoader.load(path: TestPaths.sharedTokenizers.appendingPathComponent("llama2").path)
        assertSame(gguf, json, addSpecialTokens: true)
    }

    func testSmolLM2GGUFVocabularyEqualsTokenizerJSON() throws {
        let path = FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/alignscope/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("run scripts/fetch-smollm2.sh to test the real SmolLM2 GGUF")
        }
        let gguf = try TokenizerLoader.load(path: path)
        let json = try TokenizerLoader.load(path: TestPaths.sharedTokenizers.appendingPathComponent("smollm2").path)
        XCTAssertEqual(gguf.summary, "GGUF gpt2 byte-level BPE, pre \"smollm\" (49152)")
        assertSame(gguf, json, addSpecialTokens: true)
    }

    func testStreamingNeverSplitsACharacter() throws {
        let llama = try TokenizerLoader.load(path: TestPaths.sharedTokenizers.appendingPathComponent("llama2").path)
        // "🦙" is not in the Llama vocabulary: four byte tokens.
        let ids = llama.encode("Hi 🦙!", addSpecialTokens: true)
        XCTAssertEqual(llama.pieces(ids), ["<s>", "▁Hi", "▁", "<0xF0>", "<0x9F>", "<0xA6>", "<0x99>", "!"])
        var stream = llama.makeStreamingDecoder(skipSpecialTokens: true)
        XCTAssertEqual(ids.map { stream.append($0) }, ["", "Hi", " ", "", "", "", "🦙", "!"])
        XCTAssertEqual(stream.finish(), "")

        let smol = try TokenizerLoader.load(path: TestPaths.sharedTokenizers.appendingPathComponent("smollm2").path)
        let text = "Ünïcödé 👨‍👩‍👧 ক্ষ 世界\n"
        var smolStream = smol.makeStreamingDecoder()
        var pieces: [String] = []
        for id in smol.encode(text) {
            let piece = smolStream.append(id)
            XCTAssertFalse(piece.unicodeScalars.contains("\u{FFFD}"), "split character in \(piece.debugDescription)")
            pieces.append(piece)
        }
        XCTAssertEqual(pieces.joined() + smolStream.finish(), text)
    }

    func testAnIncompleteCharacterIsFlushedByFinish() throws {
        let llama = try TokenizerLoader.load(path: TestPaths.sharedTokenizers.appendingPathComponent("llama2").path)
        var stream = llama.makeStreamingDecoder()
        let f0 = try XCTUnwrap(llama.tokenID("<0xF0>"))
        XCTAssertEqual(stream.append(try XCTUnwrap(llama.tokenID("▁a"))), "a")
        XCTAssertEqual(stream.append(f0), "")
        XCTAssertEqual(stream.finish(), "\u{FFFD}")
    }
}
