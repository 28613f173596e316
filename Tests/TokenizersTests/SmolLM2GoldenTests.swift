import Foundation
import XCTest
@testable import Tokenizers

/// The prompt ids and generated text that transformers 5.24 recorded for SmolLM2
/// (../shared/models/goldens/smollm2-golden.json): the engine's tokenization must be exactly these.
final class SmolLM2GoldenTests: XCTestCase {
    struct Golden: Decodable {
        struct Case: Decodable {
            let prompt: String
            let ids: [Int]
            let greedy_24: [Int]
            let greedy_text: String
        }
        let cases: [Case]
    }

    func testPromptIdsAndGeneratedTextMatchTransformers() throws {
        let url = TestPaths.shared.appendingPathComponent("models/goldens/smollm2-golden.json")
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
        XCTAssertFalse(golden.cases.isEmpty)
        let tokenizer = try TokenizerLoader.load(path: TestPaths.sharedTokenizers.appendingPathComponent("smollm2").path)
        for item in golden.cases {
            XCTAssertEqual(tokenizer.encode(item.prompt), item.ids, item.prompt.debugDescription)
            XCTAssertEqual(tokenizer.decode(item.greedy_24), item.greedy_text, item.prompt.debugDescription)
            var stream = tokenizer.makeStreamingDecoder()
            let streamed = item.greedy_24.map { stream.append($0) }.joined() + stream.finish()
            XCTAssertEqual(streamed, item.greedy_text, item.prompt.debugDescription)
        }
    }
}
