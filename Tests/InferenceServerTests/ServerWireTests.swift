import AsyncHTTPClient
import Foundation
import InferenceAPI
import InferenceServer
import InferenceTestSupport
import NIOCore
import NIOHTTP1
import XCTest

/// `alignscope serve`'s endpoints over real HTTP on 127.0.0.1, read back as an OpenAI client reads them.
final class ServerWireTests: XCTestCase {
    private let model = CharacterBigramModel(trainingText: surveyText)
    private var server: LoopbackServer!
    private let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)

    override func setUpWithError() throws {
        server = try LoopbackServer(models: ["bigram": model]) { $0.maxRequestBytes = 64 << 10; $0.maxTokens = 256 }
    }

    override func tearDown() async throws {
        server.stop()
        try await client.shutdown()
    }

    private func call(_ path: String, _ body: String? = nil, method: HTTPMethod = .POST) async throws -> (Int, [String: Any], String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)\(path)")
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(20))
        let text = String(buffer: try await response.body.collect(upTo: 8 << 20))
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (Int(response.status.code), object, text)
    }

    private func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    func testHealthAndModels() async throws {
        let (healthStatus, health, _) = try await call("/health", method: .GET)
        XCTAssertEqual(healthStatus, 200)
        XCTAssertEqual(health["status"] as? String, "ok")
        let (status, models, _) = try await call("/v1/models", method: .GET)
        XCTAssertEqual(status, 200)
        let entry = try XCTUnwrap((models["data"] as? [[String: Any]])?.first)
        XCTAssertEqual(entry["id"] as? String, "bigram")
        XCTAssertEqual(entry["owned_by"] as? String, "alignscope")
        let details = try XCTUnwrap(entry["alignscope"] as? [String: Any])
        XCTAssertEqual(details["fingerprint"] as? String, model.identity.fingerprint)
        XCTAssertEqual(details["tokenizer"] as? String, model.identity.tokenizer)
    }

    func testEchoedPromptLogprobsAreTheModelsOwn() async throws {
        let prompt = "Café survey: (A"
        let (status, body, text) = try await call("/v1/completions", json(
            ["model": "bigram", "prompt": prompt, "max_tokens": 0, "echo": true, "logprobs": 1]))
        XCTAssertEqual(status, 200, text)
        let choice = try XCTUnwrap((body["choices"] as? [[String: Any]])?.first)
        XCTAssertEqual(choice["text"] as? String, prompt)
        let logprobs = try XCTUnwrap(choice["logprobs"] as? [String: Any])
        let expected = try model.promptLogprobs([prompt], control: .none)[0]
        XCTAssertEqual(logprobs["tokens"] as? [String], expected.map(\.text))
        XCTAssertEqual(logprobs["token_ids"] as? [Int], expected.map(\.id))
        let values = try XCTUnwrap(logprobs["token_logprobs"] as? [Any])
        XCTAssertTrue(values[0] is NSNull, "the first token has no logprob")
        // JSONSerialization's number parsing is not round-trip exact; the remote backend's tests check exactness.
        let read = values.dropFirst().compactMap { ($0 as? NSNumber)?.doubleValue }
        XCTAssertEqual(read.count, expected.count - 1)
        for (value, token) in zip(read, expected.dropFirst()) { XCTAssertEqual(value, token.logprob ?? 0, accuracy: 1e-12) }
        // Character offsets, as Python servers count: "é" is one character (two bytes).
        let offsets = try XCTUnwrap(logprobs["text_offset"] as? [Int])
        XCTAssertEqual(offsets, [0] + Array(0 ..< prompt.unicodeScalars.count))
        XCTAssertEqual((body["usage"] as? [String: Any])?["prompt_tokens"] as? Int, expected.count)
    }

    func testGenerationMatchesTheModelAndHonoursStop() async throws {
        let prompt = "Some countries"
        let (status, body, text) = try await call("/v1/completions", json(
            ["model": "bigram", "prompt": prompt, "max_tokens": 10, "temperature": 0]))
        XCTAssertEqual(status, 200, text)
        let expected = try model.generate([prompt], options: .greedy(maxTokens: 10), control: .none, onToken: nil)[0]
        let choice = try XCTUnwrap((body["choices"] as? [[String: Any]])?.first)
        XCTAssertEqual(choice["text"] as? String, expected.text)
        XCTAssertEqual(choice["finish_reason"] as? String, "length")
        XCTAssertEqual((body["usage"] as? [String: Any])?["completion_tokens"] as? Int, 10)

        let stop = String(expected.text.dropFirst(3).prefix(2))
        let (_, stopped, _) = try await call("/v1/completions", json(
            ["model": "bigram", "prompt": prompt, "max_tokens": 10, "temperature": 0, "stop": stop]))
        let stoppedChoice = try XCTUnwrap((stopped["choices"] as? [[String: Any]])?.first)
        let cut = try XCTUnwrap(expected.text.range(of: stop)).lowerBound
        XCTAssertEqual(stoppedChoice["text"] as? String, String(expected.text[..<cut]))
        XCTAssertEqual(stoppedChoice["finish_reason"] as? String, "stop")
    }

    func testTopLogprobsOfAGeneratedTokenAreTheModelsNextTokens() async throws {
        let prompt = "Some countr"
        let (status, body, text) = try await call("/v1/completions", json(
            ["model": "bigram", "prompt": prompt, "max_tokens": 1, "temperature": 0, "logprobs": 3]))
        XCTAssertEqual(status, 200, text)
        let choice = try XCTUnwrap((body["choices"] as? [[String: Any]])?.first)
        let top = try XCTUnwrap(((choice["logprobs"] as? [String: Any])?["top_logprobs"] as? [[String: Double]])?.first)
        for token in try model.nextTokens(after: prompt, top: 3) {
            XCTAssertEqual(try XCTUnwrap(top[token.text]), log(token.probability), accuracy: 1e-12)
        }
    }

    func testStreamedCompletionAndChatAreServerSentEvents() async throws {
        let prompt = "The survey asked"
        let (status, _, stream) = try await call("/v1/completions", json(
            ["model": "bigram", "prompt": prompt, "max_tokens": 12, "temperature": 0, "stream": true]))
        XCTAssertEqual(status, 200)
        let events = stream.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        XCTAssertEqual(events.last, "data: [DONE]")
        let pieces = events.dropLast().compactMap { event -> String? in
            guard event.hasPrefix("data: "),
                  let object = try? JSONSerialization.jsonObject(with: Data(event.dropFirst(6).utf8)) as? [String: Any] else { return nil }
            return ((object["choices"] as? [[String: Any]])?.first?["text"] as? String)
        }
        XCTAssertEqual(pieces.count, events.count - 1, "every event is a JSON chunk")
        let expected = try model.generate([prompt], options: .greedy(maxTokens: 12), control: .none, onToken: nil)[0].text
        XCTAssertEqual(pieces.joined(), expected)

        let chat = ["model": "bigram", "messages": [["role": "user", "content": "Hello"]], "max_tokens": 8,
                    "temperature": 0] as [String: Any]
        let (chatStatus, chatBody, _) = try await call("/v1/chat/completions", json(chat))
        XCTAssertEqual(chatStatus, 200)
        let message = (chatBody["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any]
        let chatPrompt = try model.chatPrompt([.user("Hello")], addGenerationPrompt: true)
        let chatExpected = try model.generate([chatPrompt], options: .greedy(maxTokens: 8), control: .none, onToken: nil)[0].text
        XCTAssertEqual(message?["content"] as? String, chatExpected)

        var streaming = chat
        streaming["stream"] = true
        let (_, _, chatStream) = try await call("/v1/chat/completions", json(streaming))
        XCTAssertTrue(chatStream.contains(#""role":"assistant""#))
        XCTAssertTrue(chatStream.hasSuffix("data: [DONE]\n\n"))

        let (_, template, _) = try await call("/apply-template", json(["messages": [["role": "user", "content": "Hello"]]]))
        XCTAssertEqual(template["prompt"] as? String, chatPrompt)
    }

    func testBadRequestsGetOpenAIErrors() async throws {
        func expectError(_ body: String, status: Int, mentioning words: String..., file: StaticString = #filePath,
                         line: UInt = #line) async throws {
            let (actual, object, text) = try await call("/v1/completions", body)
            XCTAssertEqual(actual, status, text, file: file, line: line)
            let error = object["error"] as? [String: Any]
            let message = error?["message"] as? String ?? ""
            XCTAssertNotNil(error?["type"] as? String, text, file: file, line: line)
            for word in words { XCTAssertTrue(message.contains(word), "\(message) lacks \(word)", file: file, line: line) }
        }
        try await expectError(#"{"prompt": "x", "max_tokens": 100000}"#, status: 400, mentioning: "max_tokens", "256")
        try await expectError(#"{"prompt": "x", "n": 2}"#, status: 400, mentioning: "n: 1")
        try await expectError(#"{"prompt": "x", "logprobs": 99}"#, status: 400, mentioning: "logprobs")
        try await expectError(#"{"prompt": "x", "model": "gpt-4"}"#, status: 404, mentioning: "gpt-4", "bigram")
        try await expectError(#"{"prompt": "x", "temperature": -1}"#, status: 400, mentioning: "temperature")
        try await expectError(#"{"max_tokens": 1}"#, status: 400, mentioning: "prompt")
        try await expectError(#"{"prompt": [1, 2, 3]}"#, status: 400, mentioning: "prompt")
        try await expectError("{not json", status: 400, mentioning: "JSON")
        let huge = json(["prompt": String(repeating: "a", count: 70 << 10)])
        try await expectError(huge, status: 413, mentioning: "larger than")
    }

    func testAFullQueueAnswers503WithRetryAfter() async throws {
        let gate = GateModel(wrapping: model)
        let busy = try LoopbackServer(models: ["gate": gate]) { $0.maxQueuedRequests = 1 }
        defer { busy.stop() }
        let url = "http://127.0.0.1:\(busy.port)/v1/completions"
        let client = self.client
        let running = Task.detached { try await postCompletion(client, url) }
        XCTAssertTrue(gate.waitUntilEntered(seconds: 10), "the first request reaches the engine")
        let queued = Task.detached { try await postCompletion(client, url) }
        // Give the second request time to be queued behind the first.
        var polls = 0
        while busy.server.requestCounts["POST /v1/completions", default: 0] < 2, polls < 250 {
            try await Task.sleep(for: .milliseconds(20))
            polls += 1
        }
        try await Task.sleep(for: .milliseconds(100))
        let rejected = try await postCompletion(client, url)
        XCTAssertEqual(rejected.status, 503)
        XCTAssertEqual(rejected.retryAfter, "1")
        gate.open()
        let first = try await running.value
        let second = try await queued.value
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(second.status, 200)
    }
}

private struct Answer: Sendable {
    var status: Int
    var retryAfter: String?
}

private func postCompletion(_ client: HTTPClient, _ url: String) async throws -> Answer {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.body = .bytes(ByteBuffer(string: #"{"prompt": "Some", "max_tokens": 2}"#))
    let response = try await client.execute(request, timeout: .seconds(20))
    _ = try await response.body.collect(upTo: 1 << 20)
    return Answer(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"))
}

/// Holds every generation until the test opens the gate.
private final class GateModel: ForwardingLanguageModel, @unchecked Sendable {
    let wrapped: any LanguageModel
    private let entered = DispatchSemaphore(value: 0)
    private let gate = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var isOpen = false

    init(wrapping model: any LanguageModel) { wrapped = model }

    func waitUntilEntered(seconds: Double) -> Bool { entered.wait(timeout: .now() + seconds) == .success }

    func open() {
        lock.withLock { isOpen = true }
        gate.signal()
    }

    func generate(_ prompts: [String], options: GenerationOptions, control: RunControl,
                  onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation] {
        entered.signal()
        if !lock.withLock({ isOpen }) {
            _ = gate.wait(timeout: .now() + 20)
            gate.signal()
        }
        return try wrapped.generate(prompts, options: options, control: control, onToken: onToken)
    }
}
