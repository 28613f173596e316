import Foundation
import InferenceAPI
import InferenceTestSupport
import RemoteBackend
import ResultsCache
import Synchronization
import XCTest

/// What a long run meets in practice: a server killed and restarted, a slow server, a server that answers
/// nonsense. All traffic stays on 127.0.0.1; every loop is bounded.
final class ResilienceTests: XCTestCase {
    private let local = CharacterBigramModel(trainingText: surveyText)

    private func questions(_ count: Int) -> [ScoringRequest] {
        (0 ..< count).map { ScoringRequest(prompt: "Question \($0): is the economy doing well? (", candidates: ["A)", "B)", "C)"]) }
    }

    private func temporaryCache() throws -> ResultCache {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-\(UUID().uuidString)/cache.sqlite").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        return try ResultCache(path: path)
    }

    private func logPath() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-served-\(UUID().uuidString).log").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// SIGKILL the server process mid-run: the run fails with a clear error and the finished chunks are in the
    /// cache; a new server process on the same port and a rerun of the whole batch ask only for what was missing.
    func testAServerKilledMidRunIsResumedFromTheCacheWithNothingLostOrDuplicated() throws {
        let batch = questions(24)
        let first = try ServerProcess(logPath: logPath())
        let options = RemoteOptions(concurrency: 2, timeout: 3, connectTimeout: 1, retries: 1, backoff: 0.05, maxBackoff: 0.1)
        let cache = try temporaryCache()
        let remote = try RemoteModel(baseURL: first.baseURL, model: "bigram", options: options)
        let cached = CachedLanguageModel(wrapping: remote, cache: cache)

        let killer = Thread {
            var polls = 0
            while first.textsRead.count < 40, polls < 3000 {
                Thread.sleep(forTimeInterval: 0.01)
                polls += 1
            }
            first.kill()
        }
        killer.start()
        XCTAssertThrowsError(try cached.score(batch, method: .meanNLL, control: .none)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("127.0.0.1:\(first.port)/v1/completions"), message)
            XCTAssertTrue(message.contains("gave up after 2 attempts"), message)
        }
        let kept = try cache.count(model: remote.identity)
        XCTAssertGreaterThan(kept, 0, "finished chunks survive the failure")
        XCTAssertLessThan(kept, batch.count)

        // A new server process on the same port; a new run opens the same cache file.
        let second = try ServerProcess(port: first.port, logPath: logPath())
        let resumed = CachedLanguageModel(wrapping: try RemoteModel(baseURL: second.baseURL, model: "bigram", options: options),
                                          cache: try ResultCache(path: cache.path))
        let scores = try resumed.score(batch, method: .meanNLL, control: .none)
        XCTAssertEqual(scores, try local.score(batch, method: .meanNLL, control: .none), "nothing lost")

        // Counted server-side: the second server read no text of a cached request, and none twice.
        let cachedPrompts = batch.prefix(kept).map(\.prompt)
        let read = second.textsRead.filter { $0.hasPrefix("Question ") }
        XCTAssertEqual(read.filter { text in cachedPrompts.contains { text.hasPrefix($0) } }, [], "cached requests not recomputed")
        XCTAssertEqual(read.count, Set(read).count, "no text asked twice")
        XCTAssertEqual(read.count, (batch.count - kept) * 4, "exactly the texts of the unfinished requests")
    }

    /// The server process dies and a new one comes up on the same port: the client rides it out and the run
    /// completes with every result, answered by the new process.
    func testRetriesRideOutAServerRestart() throws {
        let first = try ServerProcess(logPath: logPath())
        let port = first.port
        let remote = try RemoteModel(baseURL: first.baseURL, model: "bigram",
                                     options: RemoteOptions(concurrency: 2, timeout: 10, retries: 20, backoff: 0.1, maxBackoff: 0.5))
        try remote.probe()
        first.kill()
        let restarted = ProcessHolder()
        let log = logPath()
        let restarter = Thread {
            Thread.sleep(forTimeInterval: 0.5)
            restarted.set(try? ServerProcess(port: port, logPath: log))
        }
        restarter.start()
        let texts = ["Some countries trust", "their government"]
        XCTAssertEqual(try remote.promptLogprobs(texts, control: .none), try local.promptLogprobs(texts, control: .none))
        // Connection attempts are retried by the HTTP client's pool within the connect timeout, further failures
        // by the backend's backoff; either way nothing failed and the new process answered.
        XCTAssertEqual(remote.statistics.failed, 0)
        var polls = 0
        while restarted.get() == nil, polls < 3000 {
            Thread.sleep(forTimeInterval: 0.01)
            polls += 1
        }
        XCTAssertEqual(Set(restarted.get()?.textsRead ?? []), Set(texts))
    }

    func testASlowServerTimesOutWithAClearErrorAfterItsRetries() throws {
        let slow = try ScriptedServer { route, _, _ in
            route == "GET /v1/models" ? .json(#"{"data": [{"id": "m", "owned_by": "vllm"}]}"#)
                                      : .json(#"{"choices": []}"#, delay: 5)
        }
        defer { slow.stop() }
        let remote = try RemoteModel(baseURL: slow.baseURL, model: "m",
                                     options: RemoteOptions(timeout: 0.3, retries: 2, backoff: 0.05, maxBackoff: 0.1))
        let started = Date()
        XCTAssertThrowsError(try remote.generate(["x"], options: .greedy(maxTokens: 4), control: .none, onToken: nil)) { error in
            XCTAssertTrue("\(error)".contains("timed out"), "\(error)")
            XCTAssertTrue("\(error)".contains("gave up after 3 attempts"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 4, "three 0.3 s attempts, not the server's 5 s")
        XCTAssertEqual(slow.count("POST /v1/completions"), 3)
        XCTAssertEqual(remote.statistics.retries, 2)
    }

    func testServerErrorsAreRetriedThenReportedWithTheServersMessage() throws {
        let failing = try ScriptedServer { route, _, index in
            if route == "GET /v1/models" { return .json(#"{"data": [{"id": "m"}]}"#) }
            return ScriptedServer.Reply(status: 503, body: #"{"error": {"message": "engine overloaded"}}"#)
        }
        defer { failing.stop() }
        let remote = try RemoteModel(baseURL: failing.baseURL, model: "m",
                                     options: RemoteOptions(retries: 3, backoff: 0.01, maxBackoff: 0.02))
        XCTAssertThrowsError(try remote.generate(["x"], options: .greedy(maxTokens: 2), control: .none, onToken: nil)) { error in
            XCTAssertEqual("\(error)", "POST \(failing.baseURL)/completions: HTTP 503: engine overloaded (gave up after 4 attempts)")
        }
        XCTAssertEqual(failing.count("POST /v1/completions"), 4)
        XCTAssertEqual(remote.statistics.retries, 3)

        // A 400 is the request's fault: not retried, reported as invalid input.
        let refusing = try ScriptedServer { _, _, _ in
            ScriptedServer.Reply(status: 400, body: #"{"error": {"message": "This model's maximum context length is 2048 tokens"}}"#)
        }
        defer { refusing.stop() }
        let strict = try RemoteModel(baseURL: refusing.baseURL, model: "m", options: RemoteOptions(retries: 3))
        XCTAssertThrowsError(try strict.generate(["x"], options: .greedy(maxTokens: 2), control: .none, onToken: nil)) { error in
            guard case .invalidInput(let message)? = error as? InferenceError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("maximum context length is 2048"), message)
        }
        XCTAssertEqual(refusing.count("POST /v1/completions"), 1)
    }

    func testMalformedResponsesAreClearErrors() throws {
        let cases: [(body: String, expected: String)] = [
            ("{\"choices\": [{\"text\": ", "is not JSON"),
            (#"{"choices": [{"text": 42}]}"#, "choices[0].text: expected a string, found the number 42"),
            (#"{"choices": []}"#, "has no text"),
            ("<html>Bad Gateway</html>", "starts \"<html>Bad Gateway</html>\""),
        ]
        for (body, expected) in cases {
            let server = try ScriptedServer { route, _, _ in
                route == "GET /v1/models" ? .json(#"{"data": [{"id": "m"}]}"#) : .json(body)
            }
            defer { server.stop() }
            let remote = try RemoteModel(baseURL: server.baseURL, model: "m", options: RemoteOptions(retries: 2))
            XCTAssertThrowsError(try remote.generate(["x"], options: .greedy(maxTokens: 2), control: .none, onToken: nil)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) lacks \(expected)")
                XCTAssertTrue("\(error)".contains("/v1/completions") || "\(error)".contains("completion"), "\(error)")
            }
            XCTAssertEqual(server.count("POST /v1/completions"), 1, "a malformed answer is not retried")
        }
    }

    func testScoringOnAServerWithoutPromptLogprobsIsUnsupported() throws {
        // llama.cpp's server: generates, but ignores `echo` and gives logprobs only for generated tokens.
        let llamaCpp = try ScriptedServer { route, _, _ in
            switch route {
            case "GET /v1/models": return .json(#"{"object": "list", "data": [{"id": "smol", "owned_by": "llamacpp"}]}"#)
            case "POST /v1/completions":
                return .json(#"{"choices": [{"text": " Paris", "index": 0, "logprobs": {"content": [{"id": 7, "token": " Paris", "logprob": -0.1, "top_logprobs": [{"id": 7, "token": " Paris", "logprob": -0.1}, {"id": 9, "token": " Lyon", "logprob": -2.5}]}]}, "finish_reason": "length"}], "usage": {"prompt_tokens": 7, "completion_tokens": 1}}"#)
            default: return ScriptedServer.Reply(status: 404, body: #"{"error": {"message": "File Not Found"}}"#)
            }
        }
        defer { llamaCpp.stop() }
        let remote = try RemoteModel(baseURL: llamaCpp.baseURL, model: "smol", options: RemoteOptions(retries: 0))
        let capabilities = try remote.probe()
        XCTAssertFalse(capabilities.canScore)
        XCTAssertEqual(capabilities.server, "llamacpp")
        XCTAssertThrowsError(try remote.score(questions(1), method: .meanNLL, control: .none)) { error in
            guard case .unsupported(let message)? = error as? InferenceError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("cannot score"), message)
            XCTAssertTrue(message.contains("no prompt logprobs"), message)
        }
        // Generation and next-token probabilities still work, from llama.cpp's own shape.
        let top = try remote.nextTokens(after: "The capital of France is", top: 2)
        XCTAssertEqual(top.map(\.text), [" Paris", " Lyon"])
        XCTAssertEqual(top.map(\.id), [7, 9])
        XCTAssertEqual(top[0].probability, exp(-0.1), accuracy: 1e-12)
    }

    func testVLLMAndTGIShapesScore() throws {
        // vLLM: echo with max_tokens 1 returns the prompt's tokens, a BOS with a null logprob, and one
        // generated token that must not be scored; offsets are characters.
        let vllm = try ScriptedServer { route, body, _ in
            if route == "GET /v1/models" { return .json(#"{"data": [{"id": "mistral", "owned_by": "vllm", "max_model_len": 8192}]}"#) }
            let prompt = (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["prompt"] as? String ?? ""
            return .json(Self.vllmEcho(prompt))
        }
        defer { vllm.stop() }
        let remote = try RemoteModel(baseURL: vllm.baseURL, model: "mistral")
        let capabilities = try remote.probe()
        XCTAssertEqual(capabilities.scoring, .echoedLogprobs(maxTokens: 1))
        XCTAssertEqual(capabilities.contextLength, 8192)
        let scores = try remote.score([ScoringRequest(prompt: "Is it (", candidates: ["A)", "BB)"])], method: .meanNLL, control: .none)
        // Each character costs −0.5 in this fake tokenizer: the mean over the candidate's characters.
        XCTAssertEqual(scores[0].map(\.meanNLL), [0.5, 0.5])
        XCTAssertEqual(scores[0].map(\.tokenCount), [2, 3])
        let tokens = try remote.promptLogprobs(["né"], control: .none)[0]
        XCTAssertEqual(tokens.map(\.offset), [0, 0, 1], "character offsets become byte offsets")

        let tgi = try ScriptedServer { route, body, _ in
            switch route {
            case "POST /generate":
                let inputs = (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["inputs"] as? String ?? ""
                let prefill = [#"{"id": 1, "text": "<s>", "logprob": null}"#] + inputs.unicodeScalars.enumerated().map {
                    #"{"id": \#(100 + $0.offset), "text": "\#(Character($0.element))", "logprob": -1.0}"#
                }
                return .json(#"{"generated_text": "x", "details": {"prefill": [\#(prefill.joined(separator: ","))], "tokens": []}}"#)
            default: return ScriptedServer.Reply(status: 404, body: "Not Found")
            }
        }
        defer { tgi.stop() }
        let tgiModel = try RemoteModel(baseURL: tgi.baseURL, model: "tgi-model")
        XCTAssertEqual(try tgiModel.probe().scoring, .tgiPrefill)
        let tgiScores = try tgiModel.score([ScoringRequest(prompt: "Q (", candidates: ["A)", "B)"])], method: .meanNLL, control: .none)
        XCTAssertEqual(tgiScores[0].map(\.meanNLL), [1, 1])
        XCTAssertEqual(tgiScores[0].map(\.probability), [0.5, 0.5])
    }

    /// A vLLM-shaped echo: BOS, one token per character (logprob −0.5), then one generated token.
    private static func vllmEcho(_ prompt: String) -> String {
        let characters = prompt.unicodeScalars.map { String($0) }
        let tokens = ["<s>"] + characters + [" the"]
        let logprobs = ["null"] + characters.map { _ in "-0.5" } + ["-3.0"]
        let offsets = [0] + characters.indices.map { $0 } + [characters.count]
        let encodedTokens = tokens.map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) }
        return """
        {"id": "cmpl-1", "object": "text_completion", "model": "mistral", "choices": [{"index": 0, "text": \
        \(String(decoding: try! JSONEncoder().encode(prompt + " the"), as: UTF8.self)), "logprobs": {"tokens": \
        [\(encodedTokens.joined(separator: ","))], "token_logprobs": [\(logprobs.joined(separator: ","))], \
        "text_offset": [\(offsets.map(String.init).joined(separator: ","))], "top_logprobs": null}, \
        "finish_reason": "length", "stop_reason": null}], "usage": {"prompt_tokens": \(characters.count + 1), \
        "completion_tokens": 1, "total_tokens": \(characters.count + 2)}}
        """
    }
}

final class ProcessHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var process: ServerProcess?

    func set(_ value: ServerProcess?) { lock.withLock { process = value } }
    func get() -> ServerProcess? { lock.withLock { process } }
}
