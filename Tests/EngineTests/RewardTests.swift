import XCTest
@testable import Engine
import ModelFormats

/// Reward heads against transformers: LlamaForSequenceClassification on the tiny random checkpoint.
final class RewardTests: XCTestCase {
    func testSequenceClassificationScoreMatchesTransformers() throws {
        let golden = try Fixtures.json(Fixtures.goldens.appendingPathComponent("tiny-random-llama-golden.json"))
        let ids = try XCTUnwrap(golden["ids"] as? [Int])
        let expected = try XCTUnwrap((golden["rm_score"] as? [Double])?.first)
        let checkpoint = try Fixtures.checkpoint(Fixtures.models.appendingPathComponent("tiny-random-llama-rm"))
        XCTAssertEqual(checkpoint.config.head, .sequenceClassification(labels: 1))
        let model = try EngineModel(name: "rm", checkpoint: checkpoint, tokenizer: TokenTestTokenizer())
        let reward = try XCTUnwrap(model.reward(ids: ids))
        XCTAssertEqual(reward, expected, accuracy: 1e-4)
        // The pad token (0) after the text does not move the score: it is read at the last non-pad token.
        XCTAssertEqual(try XCTUnwrap(model.reward(ids: ids + [0, 0])), reward, accuracy: 1e-6)
    }

    func testRewardPositions() {
        let ids = [1, 5, 7, 0, 0, 9]
        XCTAssertEqual(EngineModel.rewardPosition(ids, head: .valueHead, padID: 0), 2, "before the first pad")
        XCTAssertEqual(EngineModel.rewardPosition(ids, head: .sequenceClassification(labels: 1), padID: 0), 5,
                       "the last non-pad token")
        XCTAssertEqual(EngineModel.rewardPosition(ids, head: .valueHead, padID: nil), 5)
    }
}
