import XCTest
@testable import Tokenizers

/// The benchmark's bookkeeping (speed itself is reported by `alignscope-bench tokenize`, never asserted).
final class BenchmarkTests: XCTestCase {
    func testFiguresCountWhatWasEncoded() throws {
        let tokenizer = try TokenizerLoader.load(path: TestPaths.sharedTokenizers.appendingPathComponent("smollm2").path)
        let texts = ["Hello world", "Привет, мир!", "12345 and ½"]
        let figures = TokenizerBenchmark.run(tokenizer, texts: texts, repetitions: 1)
        XCTAssertEqual(figures.map(\.operation), ["encode", "decode"])
        for figure in figures {
            XCTAssertEqual(figure.bytes, texts.reduce(0) { $0 + $1.utf8.count })
            XCTAssertEqual(figure.tokens, texts.reduce(0) { $0 + tokenizer.encode($1).count })
            XCTAssertEqual(figure.tokenizer, "tokenizer.json BPE (49152)")
            XCTAssertGreaterThan(figure.seconds, 0)
        }
        let cold = try TokenizerBenchmark.coldEncode(loading: {
            try TokenizerLoader.load(path: TestPaths.sharedTokenizers.appendingPathComponent("gpt2").path)
        }, texts: texts)
        XCTAssertEqual(cold.operation, "encode (cold cache)")
        XCTAssertEqual(cold.bytes, figures[0].bytes)
    }
}
