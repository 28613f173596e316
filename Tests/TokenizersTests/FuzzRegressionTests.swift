import Foundation
import XCTest
@testable import Tokenizers

/// Replays the tokenizer fuzzers' seeds and every input they ever stopped on (Fuzz/Seeds, Fuzz/Crashers)
/// through what the fuzz targets run: each must parse or throw, and a tokenizer that comes out must encode and
/// decode without crashing.
final class FuzzRegressionTests: XCTestCase {
    private func inputs(_ corpus: String) throws -> [(name: String, bytes: [UInt8])] {
        let fuzz = TestPaths.root.appendingPathComponent("Fuzz")
        var result: [(String, [UInt8])] = []
        for folder in ["Seeds", "Crashers"] {
            let directory = fuzz.appendingPathComponent(folder).appendingPathComponent(corpus)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                result.append(("\(folder)/\(corpus)/\(name)", Array(try Data(contentsOf: directory.appendingPathComponent(name)))))
            }
        }
        return result
    }

    private func exercise(_ tokenizer: any Tokenizer) {
        for text in ["", "  Hello, world! 123 <s> [INST] 👨‍👩‍👧 ½ "] {
            let ids = tokenizer.encode(text, addSpecialTokens: true)
            _ = tokenizer.decode(ids + [-1, Int(Int32.max)], skipSpecialTokens: true)
            var stream = tokenizer.makeStreamingDecoder()
            for id in ids.prefix(16) { _ = stream.append(id) }
            _ = stream.finish()
        }
    }

    func testTokenizerJSON() throws {
        let all = try inputs("tokenizer-json")
        XCTAssertGreaterThanOrEqual(all.count, 5)
        var parsed = 0
        for (name, bytes) in all {
            guard let tokenizer = try? TokenizerJSON.parse(bytes, file: name) else { continue }
            exercise(tokenizer)
            parsed += 1
        }
        XCTAssertGreaterThan(parsed, 0, "the seeds are valid tokenizers")
        // The input the fuzzer stopped on: LeakSanitizer saw 554 bytes lost inside Foundation's
        // NSRegularExpression (_CFRegularExpressionCreate) compiling its Split pattern; the tokenizer itself works.
        let leaking = try XCTUnwrap(all.first { $0.name.hasSuffix("split-regex-leaks-inside-foundation.json") })
        exercise(try TokenizerJSON.parse(leaking.bytes, file: leaking.name))
    }

    func testSentencePiece() throws {
        let all = try inputs("sentencepiece")
        XCTAssertFalse(all.isEmpty)
        for (name, bytes) in all {
            guard let model = try? SentencePieceModel.parse(bytes, file: name),
                  let tokenizer = try? model.makeTokenizer(file: name) else { continue }
            exercise(tokenizer)
        }
    }
}
