import Foundation
import InferenceAPI
import InferenceTestSupport
import RemoteBackend
import XCTest

/// A server whose echoed prompt logprobs have the right shape but the wrong positions (llama-cpp-python's,
/// abetlen/llama-cpp-python#1983) must not score: every number would be silently wrong.
final class EchoAlignmentTests: XCTestCase {
    private let bigram = CharacterBigramModel(trainingText: surveyText)

    func testShiftedEchoLogprobsAreRefusedWithTheEvidence() throws {
        let server = try LoopbackServer(models: ["shifted": ShiftedEchoModel(wrapping: bigram)])
        defer { server.stop() }
        let remote = try RemoteModel(baseURL: server.baseURL, model: "shifted", options: RemoteOptions(retries: 0))
        let capabilities = try remote.probe()
        guard case .impossible(let reason) = capabilities.scoring else {
            return XCTFail("shifted logprobs were accepted: \(capabilities)")
        }
        XCTAssertTrue(reason.contains("misaligned"), reason)
        XCTAssertTrue(reason.contains("abetlen/llama-cpp-python#1983"), reason)
        XCTAssertThrowsError(try remote.score([ScoringRequest(prompt: "Is it (", candidates: ["A)", "B)"])],
                                              method: .meanNLL, control: .none)) { error in
            guard case .unsupported(let message)? = error as? InferenceError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("cannot score"), message)
        }
        // Generation is unaffected.
        XCTAssertEqual(try remote.generate(["The capital"], options: .greedy(maxTokens: 5), control: .none, onToken: nil),
                       try bigram.generate(["The capital"], options: .greedy(maxTokens: 5), control: .none, onToken: nil))
    }

    func testCorrectEchoLogprobsPassTheCheck() throws {
        let server = try LoopbackServer(models: ["bigram": bigram])
        defer { server.stop() }
        let capabilities = try RemoteModel(baseURL: server.baseURL, model: "bigram").probe()
        XCTAssertEqual(capabilities.scoring, .echoedLogprobs(maxTokens: 0))
        XCTAssertNil(capabilities.caveat)
    }
}

/// Reports, for each token of an echoed text, the logprob of that token at the *next* position — log p(xᵢ | x≤ᵢ)
/// instead of log p(xᵢ | x<ᵢ) — as llama-cpp-python's server does. Everything else is the wrapped model's.
final class ShiftedEchoModel: ForwardingLanguageModel, @unchecked Sendable {
    let wrapped: any LanguageModel

    init(wrapping model: any LanguageModel) { wrapped = model }

    func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]] {
        try zip(texts, try wrapped.promptLogprobs(texts, control: control)).map { text, tokens in
            try tokens.enumerated().map { index, token in
                guard index > 0 else { return token }
                let through = String(decoding: Array(text.utf8).prefix(token.offset + token.text.utf8.count), as: UTF8.self)
                let next = try wrapped.nextTokens(after: through, top: 1000)
                var shifted = token
                shifted.logprob = log(next.first { $0.text == token.text }?.probability ?? 1e-9)
                return shifted
            }
        }
    }
}
