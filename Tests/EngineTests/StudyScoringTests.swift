import InferenceAPI
import XCTest
@testable import Engine

/// The study's scoring primitive and generations on SmolLM2 against transformers on the same prompts
/// (Tests/Fixtures/engine/smollm2-study-scoring.json, written by scripts/fixtures/engine_study_scoring.py from
/// real GOQA, MD3 and TyDiQA items of the bundled data).
final class StudyScoringTests: XCTestCase {
    struct Fixture: Decodable {
        struct Score: Decodable {
            let candidate: String
            let mean_nll: Double
            let token_count: Int
            let probability: Double
        }
        struct Generation: Decodable {
            let prompt: String
            let max_tokens: Int
            let ids: [Int]
            let text: String
        }
        struct Scoring: Decodable {
            let prompt: String
            let prompt_ids: [Int]
            let scores: [Score]
            let generation: Generation?
        }
        let goqa: [Scoring]
        let md3: [Scoring]
        let tydiqa: [Generation]
    }

    static func fixture() throws -> Fixture {
        let url = Fixtures.repository.appendingPathComponent("Tests/Fixtures/engine/smollm2-study-scoring.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// Float (dequantised) weights: the same numbers as transformers up to float32 rounding.
    func testFloatPathScoresAndGeneratesAsTransformers() throws {
        let fixture = try Self.fixture()
        let model = try SmolLM2Tests.model(.f32)
        for entry in fixture.goqa + fixture.md3 {
            XCTAssertEqual(model.tokenizer.encode(entry.prompt), entry.prompt_ids)
            let scores = try model.score([ScoringRequest(prompt: entry.prompt, candidates: entry.scores.map(\.candidate))],
                                         method: .meanNLL, control: .none)[0]
            for (ours, theirs) in zip(scores, entry.scores) {
                XCTAssertEqual(ours.tokenCount, theirs.token_count, theirs.candidate)
                XCTAssertEqual(ours.meanNLL, theirs.mean_nll, accuracy: 2e-3, theirs.candidate)
                XCTAssertEqual(ours.probability, theirs.probability, accuracy: 1e-3, theirs.candidate)
            }
        }
        let generations = fixture.md3.compactMap(\.generation) + fixture.tydiqa
        for expected in generations {
            let ours = try model.generate([expected.prompt], options: .greedy(maxTokens: expected.max_tokens),
                                          control: .none, onToken: nil)[0]
            XCTAssertEqual(ours.text, expected.text)
        }
    }

    /// The Q4_1 file with Q8 activations: the same preferred option wherever transformers' choice is clear
    /// (a margin of more than 0.05 in probability), and distributions within 0.1.
    func testQuantisedPathKeepsTheChoices() throws {
        let fixture = try Self.fixture()
        let model = try SmolLM2Tests.model()
        for entry in fixture.goqa + fixture.md3 {
            let scores = try model.score([ScoringRequest(prompt: entry.prompt, candidates: entry.scores.map(\.candidate))],
                                         method: .meanNLL, control: .none)[0]
            let theirs = entry.scores.map(\.probability)
            let ranked = theirs.sorted(by: >)
            if ranked.count > 1, ranked[0] - ranked[1] > 0.05 {
                XCTAssertEqual(scores.map(\.probability).indices.max { scores[$0].probability < scores[$1].probability },
                               theirs.indices.max { theirs[$0] < theirs[$1] }, entry.prompt.suffix(60).description)
            }
            for (ours, expected) in zip(scores, entry.scores) {
                XCTAssertEqual(ours.probability, expected.probability, accuracy: 0.1, expected.candidate)
            }
        }
    }
}
