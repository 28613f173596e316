import Engine
import Foundation
import InferenceAPI
import InferenceTestSupport
import RemoteBackend
import ResultsCache
import TestSupport
import XCTest

/// The in-process transformer served by `alignscope serve`'s server and read back by the remote backend over
/// 127.0.0.1: scores, prompt logprobs and generations through HTTP equal the engine's own.
final class EngineParityTests: XCTestCase {
    private static let shared = TestFiles.sharedDirectory

    /// A random-weight Llama GGUF with the real Llama 2 vocabulary (../shared/models).
    private func tinyLlama() throws -> EngineModel {
        let path = Self.shared.appendingPathComponent("models/llama-2-tiny-random.gguf").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(path) is missing") }
        return try EngineModel(name: "tiny-llama", path: path)
    }

    private func smolLM2() throws -> EngineModel {
        guard let path = DefaultModel.path else {
            throw XCTSkip("SmolLM2-135M-Instruct.Q4_1.gguf is not fetched: run scripts/fetch-smollm2.sh")
        }
        return try EngineModel(name: "smollm2", path: path)
    }

    private let questions = [
        ScoringRequest(prompt: "Human: Is religion important in your life?\n\nHere are the options:\n(A) Very important\n(B) Not at all important\n\nAssistant: If I had to select one of the options, my answer would be (",
                       candidates: ["A)", "B)"]),
        ScoringRequest(prompt: "Question: Which city is the capital of France?\nAnswer:",
                       candidates: [" Paris", " Lyon", " Marseille", " Zürich"]),
        ScoringRequest(prompt: "The weather in Reykjavík today is", candidates: [" cold", " warm and sunny"]),
    ]

    private func assertParity(_ engine: EngineModel, file: StaticString = #filePath, line: UInt = #line) throws {
        let server = try LoopbackServer(models: [engine.identity.name: engine])
        defer { server.stop() }
        let remote = try RemoteModel(baseURL: server.baseURL, model: engine.identity.name,
                                     options: RemoteOptions(concurrency: 4, timeout: 120))
        XCTAssertEqual(try remote.probe().scoring, .echoedLogprobs(maxTokens: 0), file: file, line: line)
        XCTAssertTrue(remote.identity.tokenizer.hasPrefix(engine.identity.tokenizer), remote.identity.tokenizer,
                      file: file, line: line)

        for method in ScoringMethod.allCases {
            let overHTTP = try remote.score(questions, method: method, control: .none)
            let inProcess = try engine.score(questions, method: method, control: .none)
            for (remoteRow, localRow) in zip(overHTTP, inProcess) {
                XCTAssertEqual(remoteRow.map(\.tokenCount), localRow.map(\.tokenCount), "\(method)", file: file, line: line)
                for (a, b) in zip(remoteRow, localRow) {
                    // Same weights and tokens; the engine scores candidates on a shared prefix cache, the server
                    // reads each text whole, so float32 sums may differ in the last bits.
                    XCTAssertEqual(a.meanNLL, b.meanNLL, accuracy: 1e-4 * max(1, abs(b.meanNLL)),
                                   "\(method) \(b.candidate)", file: file, line: line)
                    XCTAssertEqual(a.probability, b.probability, accuracy: 1e-4, file: file, line: line)
                }
            }
        }

        let texts = ["Café au lait, s'il vous plaît.", "Hello, world!"]
        let remoteTokens = try remote.promptLogprobs(texts, control: .none)
        let localTokens = try engine.promptLogprobs(texts, control: .none)
        for (r, l) in zip(remoteTokens, localTokens) {
            XCTAssertEqual(r.map(\.id), l.map(\.id), file: file, line: line)
            XCTAssertEqual(r.map(\.offset), l.map(\.offset), "byte offsets survive the character offsets of the wire",
                           file: file, line: line)
            XCTAssertEqual(r.map(\.text), l.map(\.text), file: file, line: line)
            for (a, b) in zip(r, l) {
                XCTAssertEqual(a.logprob ?? 0, b.logprob ?? 0, accuracy: 1e-9, file: file, line: line)
            }
        }

        let prompts = ["The capital of France is", "Once upon a time"]
        let greedy = GenerationOptions.greedy(maxTokens: 12)
        XCTAssertEqual(try remote.generate(prompts, options: greedy, control: .none, onToken: nil).map(\.text),
                       try engine.generate(prompts, options: greedy, control: .none, onToken: nil).map(\.text),
                       file: file, line: line)
    }

    func testTinyLlamaThroughHTTPEqualsInProcess() throws {
        try assertParity(tinyLlama())
    }

    func testSmolLM2ThroughHTTPEqualsInProcessWithItsChatTemplate() throws {
        let engine = try smolLM2()
        try assertParity(engine)
        let server = try LoopbackServer(models: ["smollm2": engine])
        defer { server.stop() }
        let remote = try RemoteModel(baseURL: server.baseURL, model: "smollm2")
        let messages: [ChatMessage] = [.user("What is the capital of France?")]
        XCTAssertEqual(try remote.chatPrompt(messages, addGenerationPrompt: true),
                       try engine.chatPrompt(messages, addGenerationPrompt: true))
        let chat = try remote.chat(messages, options: .greedy(maxTokens: 8))
        let expected = try engine.generate([engine.chatPrompt(messages, addGenerationPrompt: true)],
                                           options: .greedy(maxTokens: 8), control: .none, onToken: nil)[0]
        XCTAssertEqual(chat.text, expected.text)
    }

    /// The whole scale-out path: a cached remote model scores a batch, a second run asks the server nothing.
    func testACachedRemoteRunIsReplayedWithoutRequests() throws {
        let engine = try tinyLlama()
        let server = try LoopbackServer(models: ["tiny": engine])
        defer { server.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = CachedLanguageModel(wrapping: try RemoteModel(baseURL: server.baseURL, model: "tiny"),
                                        cache: try ResultCache(path: path))
        let scores = try first.score(questions, method: .meanNLL, control: .none)
        let served = server.server.requestCounts["POST /v1/completions", default: 0]
        let second = CachedLanguageModel(wrapping: try RemoteModel(baseURL: server.baseURL, model: "tiny"),
                                         cache: try ResultCache(path: path))
        XCTAssertEqual(try second.score(questions, method: .meanNLL, control: .none), scores)
        XCTAssertEqual(server.server.requestCounts["POST /v1/completions", default: 0], served, "no request on replay")
    }
}
