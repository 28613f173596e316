import Foundation
import XCTest
@testable import Tokenizers

/// llama.cpp's tokenizer test suite (`models/ggml-vocab-*.gguf` with `.inp`/`.out`): every case of every
/// vocabulary must give exactly the expected ids (encoded without BOS, as the suite is).
final class LlamaCppSuiteTests: XCTestCase {
    static let vocabularies = ["llama-spm", "llama-bpe", "phi-3", "gpt-2", "mpt", "starcoder"]

    func testEveryCaseOfEveryVocabulary() throws {
        let suite = TestPaths.sharedTokenizers.appendingPathComponent("llamacpp-suite")
        var total = 0
        for name in Self.vocabularies {
            let gguf = suite.appendingPathComponent("ggml-vocab-\(name).gguf")
            let tokenizer = try GGUFVocabulary.load(path: gguf.path)
            let input = try String(contentsOf: gguf.appendingPathExtension("inp"), encoding: .utf8)
            let output = try String(contentsOf: gguf.appendingPathExtension("out"), encoding: .utf8)
            var cases = input.components(separatedBy: "\n__ggml_vocab_test__\n")
            if cases.last == "" { cases.removeLast() }
            let expected = output.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertGreaterThanOrEqual(expected.count, cases.count, name)
            for (index, text) in cases.enumerated() {
                let ids = expected[index].split(separator: " ").compactMap { Int($0) }
                XCTAssertEqual(tokenizer.encode(text, addSpecialTokens: false), ids,
                               "\(name) case \(index): \(text.debugDescription)")
                total += 1
            }
        }
        XCTAssertEqual(total, 6 * 46)
    }
}
