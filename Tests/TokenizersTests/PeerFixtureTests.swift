import Foundation
import XCTest
@testable import Tokenizers

/// Equality with the Python `tokenizers` and `sentencepiece` packages on ~1,360 varied strings
/// (fixtures made by scripts/fixtures/make_tokenizer_fixtures.py): ids with and without special tokens,
/// decoded text with and without special tokens, and streaming decoding that matches whole decoding.
final class PeerFixtureTests: XCTestCase {
    struct Record: Decodable {
        let peer: String
        let tokenizer: String
        let stride: Int
        let prefix: [Int]
        let suffix: [Int]
        let ids: [[Int]]
        let decoded: [String: String]
        let decoded_skipping_special: [String: String]
    }

    static let strings: [String] = {
        let url = TestPaths.fixtures.appendingPathComponent("strings.json")
        guard let data = try? Data(contentsOf: url),
              let strings = try? JSONDecoder().decode([String].self, from: data) else { return [] }
        return strings
    }()

    func record(_ name: String) throws -> Record {
        let url = TestPaths.fixtures.appendingPathComponent("\(name).ids.json")
        return try JSONDecoder().decode(Record.self, from: Data(contentsOf: url))
    }

    func location(_ reference: String) -> URL {
        if reference.hasPrefix("shared:") {
            return TestPaths.shared.appendingPathComponent(String(reference.dropFirst("shared:".count)))
        }
        return TestPaths.fixtures.appendingPathComponent(String(reference.dropFirst("fixtures:".count)))
    }

    /// Compares one tokenizer with its peer record; returns the number of strings checked.
    @discardableResult
    func check(_ name: String, sentencePiece: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let record = try record(name)
        let url = location(record.tokenizer)
        let tokenizer = sentencePiece ? try SentencePieceModel.load(contentsOf: url) : try TokenizerJSON.load(contentsOf: url)
        let strings = Swift.stride(from: 0, to: Self.strings.count, by: record.stride).map { Self.strings[$0] }
        XCTAssertEqual(strings.count, record.ids.count, "\(name): fixture and strings.json disagree", file: file, line: line)
        var failures: [String] = []
        for (index, text) in strings.enumerated() where index < record.ids.count {
            let expected = record.ids[index]
            // sentencepiece knows nothing of special-token text; HF matches it.
            let plain = tokenizer.encode(text, addSpecialTokens: false, parseSpecialTokens: !sentencePiece)
            if plain != expected {
                failures.append("encode \(text.debugDescription): \(plain) != \(expected)")
                continue
            }
            let full = tokenizer.encode(text, addSpecialTokens: true, parseSpecialTokens: !sentencePiece)
            if full != record.prefix + expected + record.suffix {
                failures.append("encode+special \(text.debugDescription): \(full)")
            }
            let key = String(index)
            let decoded = tokenizer.decode(expected, skipSpecialTokens: false)
            let expectedText = record.decoded[key] ?? text
            // sentencepiece prints unknown pieces as " ⁇ " and drops control pieces; HF keeps their text.
            if !sentencePiece || !expected.contains(where: { tokenizer.specialTokenIDs.contains($0) || $0 == tokenizer.unkID }) {
                if decoded != expectedText {
                    failures.append("decode \(text.debugDescription): \(decoded.debugDescription) != \(expectedText.debugDescription)")
                }
            }
            if !sentencePiece {
                let skipping = tokenizer.decode(full, skipSpecialTokens: true)
                let expectedSkipping = record.decoded_skipping_special[key] ?? expectedText
                if skipping != expectedSkipping {
                    failures.append("decode skipping \(text.debugDescription): \(skipping.debugDescription) != \(expectedSkipping.debugDescription)")
                }
            }
            var stream = tokenizer.makeStreamingDecoder()
            var streamed = expected.map { stream.append($0) }.joined()
            streamed += stream.finish()
            if streamed != decoded {
                failures.append("stream \(text.debugDescription): \(streamed.debugDescription) != \(decoded.debugDescription)")
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(name) vs \(record.peer): \(failures.count) failures, first:\n"
                      + failures.prefix(12).joined(separator: "\n"), file: file, line: line)
        return strings.count
    }

    func testStringsCoverTheRequiredVariety() {
        XCTAssertGreaterThanOrEqual(Self.strings.count, 1_000)
        let joined = Self.strings.joined()
        for sample in ["<s>", "</s>", "[INST]", "<|im_start|>", "\u{200D}", "½", "\t", "   ", "ক", "త", "한", "Ж", "中", "ع"] {
            XCTAssertTrue(joined.contains(sample), "no string contains \(sample.debugDescription)")
        }
    }

    func testLlama2TokenizerJSON() throws { XCTAssertGreaterThanOrEqual(try check("llama2"), 1_000) }
    func testMistralTokenizerJSON() throws { XCTAssertGreaterThanOrEqual(try check("mistral-v1"), 1_000) }
    func testSmolLM2TokenizerJSON() throws { XCTAssertGreaterThanOrEqual(try check("smollm2"), 1_000) }
    func testGPT2TokenizerJSON() throws { XCTAssertGreaterThanOrEqual(try check("gpt2"), 1_000) }
    func testLlama2SentencePiece() throws { XCTAssertGreaterThanOrEqual(try check("llama2.spm", sentencePiece: true), 1_000) }
    func testMistralSentencePiece() throws { XCTAssertGreaterThanOrEqual(try check("mistral-v1.spm", sentencePiece: true), 1_000) }

    func testLlama3StyleSplitRegexIgnoreMergesAndAddedTokenRules() throws { try check("mini-llama3") }
    func testQwen2StyleSplitRegexWithNFC() throws { try check("mini-qwen2") }
    func testMetaspaceNFKCRegexReplaceAndRobertaWrapping() throws { try check("mini-metaspace") }
    func testWordPieceWithBertPreTokenizer() throws { try check("mini-wordpiece") }
    func testBPEWithSubwordPrefixAndWordSuffix() throws { try check("mini-bpe-suffix") }
    func testUnigramTokenizerJSON() throws { try check("mini-unigram-json") }
    func testSentencePieceUnigram() throws { try check("mini-spm-unigram.spm", sentencePiece: true) }
    func testSentencePieceBPEWithUserDefinedSymbols() throws { try check("mini-spm-bpe.spm", sentencePiece: true) }
    func testSentencePieceNFKCRules() throws { try check("mini-spm-nfkc.spm", sentencePiece: true) }
    func testPrecompiledNormalizerTokenizerJSON() throws { try check("mini-precompiled-json") }
}
