import Foundation
import InferenceTestSupport
import XCTest
@testable import Shell

/// `load NAME url=…` in process, against scripted servers: what load prints, what a server that cannot score
/// does to `score`, and the options' errors; `cache` and `set cache=off` on a local model.
final class RemoteLoadTests: XCTestCase {
    static let tiny = PathsForTests.shared.appendingPathComponent("models/llama-2-tiny-random.gguf").path

    private func run(_ text: String, shell: Interpreter? = nil) -> (Bool, CapturedConsole) {
        let captured = CapturedConsole()
        let shell = shell ?? makeInterpreter(captured)
        let ok = shell.execute(text)
        return (ok, captured)
    }

    /// llama.cpp's server: generates, but ignores `echo` and gives logprobs only for generated tokens.
    private func llamaServer() throws -> ScriptedServer {
        try ScriptedServer { route, _, _ in
            switch route {
            case "GET /v1/models": return .json(#"{"object": "list", "data": [{"id": "smol", "owned_by": "llamacpp"}]}"#)
            case "POST /v1/completions":
                return .json(#"{"choices": [{"text": " Paris", "index": 0, "logprobs": {"content": [{"id": 7, "token": " Paris", "logprob": -0.1, "top_logprobs": [{"id": 7, "token": " Paris", "logprob": -0.1}, {"id": 9, "token": " Lyon", "logprob": -2.5}]}]}, "finish_reason": "length"}], "usage": {"prompt_tokens": 7, "completion_tokens": 1}}"#)
            default: return ScriptedServer.Reply(status: 404, body: #"{"error": {"message": "File Not Found"}}"#)
            }
        }
    }

    func testLoadSaysWhatTheServerServesAndWhyItCannotScore() throws {
        let server = try llamaServer()
        defer { server.stop() }
        let captured = CapturedConsole()
        let shell = makeInterpreter(captured)
        XCTAssertTrue(shell.execute("load smol url=\(server.baseURL) retries=0"), captured.err)
        let lines = captured.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "smol: remote language model smol at \(server.baseURL) (llamacpp server)")
        XCTAssertTrue(lines.contains("  serves: smol"), captured.out)
        let scoring = try XCTUnwrap(lines.first { $0.hasPrefix("  scoring: ") })
        XCTAssertTrue(scoring.hasPrefix("  scoring: no — the server returns no prompt logprobs"), scoring)
        XCTAssertTrue(scoring.hasSuffix("ask works, score and the analyses that score do not"), scoring)

        // Scoring is refused with the reason; the next-token call still works from llama.cpp's own shape.
        XCTAssertFalse(shell.execute("score smol \"The capital of France is\" \" Paris\" \" Lyon\""))
        XCTAssertTrue(captured.err.contains("error: score: unsupported: smol ("), captured.err)
        XCTAssertTrue(captured.err.contains("cannot score: the server returns no prompt logprobs"), captured.err)
        XCTAssertFalse(shell.execute("opinions smol on goqa[0:2]"), "an analysis that scores fails the same way")
        captured.out = ""
        XCTAssertTrue(shell.execute("next smol \"The capital of France is\" top=2"), captured.err)
        XCTAssertTrue(captured.out.contains("␣Paris"), captured.out)
        XCTAssertTrue(captured.out.contains("␣Lyon"), captured.out)

        // A remote model has no local files for tokenize and template, and no reward head.
        XCTAssertFalse(shell.execute("tokenize smol hello"))
        XCTAssertTrue(captured.err.hasSuffix("smol is a remote model: its tokenizer lives on the server (\(server.baseURL)); score, next, ask and the analyses use it there\n"), captured.err)
        XCTAssertFalse(shell.execute("reward smol hello"))
        XCTAssertTrue(captured.err.contains("OpenAI-compatible servers have no reward call"), captured.err)
    }

    func testLoadOptionsAreCheckedBeforeAnyRequest() {
        // Misused options are usage errors: the message, then the command's usage.
        let usage = " (usage: load NAME [PATH] [quant=…] [template=…] [url=…] [model=…] [key=…] [concurrency=…] [timeout=…] [retries=…])"
        let cases: [(String, String)] = [
            ("load r", "error: load: expected PATH (a model file or folder) or url=http://HOST:PORT/v1 (usage: load NAME [PATH] [quant=…] [template=…] [url=…] [model=…] [key=…] [concurrency=…] [timeout=…] [retries=…])"),
            ("load r /some/file url=http://127.0.0.1:1/v1", "error: load: give PATH or url=, not both ('/some/file')" + usage),
            ("load r /some/file model=m", "error: load: model= goes with url= (a model on a server)" + usage),
            ("load r url=http://127.0.0.1:1/v1 model=m quant=q8_0", "error: load: quant= converts local weights; a server's model runs as the server loaded it" + usage),
            ("load r url=http://127.0.0.1:1/v1 model=m key=sk-secret", "error: load: key= takes env:VAR (the variable holding the key), so the key is never saved in a session" + usage),
            ("load r url=http://127.0.0.1:1/v1 model=m key=env:ALIGNSCOPE_TEST_NO_SUCH_KEY", "error: load: key=env:ALIGNSCOPE_TEST_NO_SUCH_KEY: $ALIGNSCOPE_TEST_NO_SUCH_KEY is not set"),
            ("load r url=http://127.0.0.1:1/v1 model=m concurrency=0", "error: load: concurrency= must be at least 1" + usage),
            ("load r url=gpu-box:8000 model=m", "error: load: invalid input: url=gpu-box:8000: expected http://HOST:PORT/v1"),
        ]
        for (command, expected) in cases {
            let (ok, captured) = run(command)
            XCTAssertFalse(ok, command)
            XCTAssertEqual(captured.err, expected + "\n", command)
        }
    }

    func testAnUnreachableServerIsAClearErrorAfterItsRetries() {
        let (ok, captured) = run("load r url=http://127.0.0.1:1/v1 model=m retries=1 timeout=2")
        XCTAssertFalse(ok)
        XCTAssertTrue(captured.err.hasPrefix("error: load: GET http://127.0.0.1:1/v1/models: connection refused (gave up after 2 attempts)"),
                      captured.err)
    }

    func testWithoutModelTheServersOnlyModelIsTakenAndSeveralAreListed() throws {
        let several = try ScriptedServer { _, _, _ in .json(#"{"data": [{"id": "a"}, {"id": "b"}]}"#) }
        defer { several.stop() }
        let (ok, captured) = run("load r url=\(several.baseURL) retries=0")
        XCTAssertFalse(ok)
        XCTAssertTrue(captured.err.hasPrefix("error: load: \(several.baseURL) serves a, b; choose one with model="), captured.err)
    }

    func testCacheListsAndClearsResultsAndCacheOffBypassesIt() throws {
        guard FileManager.default.fileExists(atPath: Self.tiny) else { throw XCTSkip("\(Self.tiny) is missing") }
        let path = temporaryDirectory().appendingPathComponent("cache.sqlite").path
        let captured = CapturedConsole()
        let shell = Interpreter(console: captured.console, services: Services(models: ModelShelf(cachePath: path)))
        XCTAssertTrue(shell.execute("load t '\(Self.tiny)'; score t \"The capital of France is\" \" Paris\" \" Lyon\"; score t \"The capital of France is\" \" Paris\" \" Lyon\"; next t \"Hello\" top=3"), captured.err)
        captured.out = ""
        XCTAssertTrue(shell.execute("cache"), captured.err)
        var lines = captured.out.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("results cache \(path): 1 model, 2 results, "), lines[0])
        let row = try XCTUnwrap(lines.first { $0.hasPrefix("t ") }, captured.out)
        XCTAssertTrue(row.contains(Self.tiny), row)
        XCTAssertTrue(row.contains("next-tokens 1, score/mean-nll 1"), "the repeated score is one result: \(row)")

        // Off: nothing more is stored, and `cache` says so.
        captured.out = ""
        XCTAssertTrue(shell.execute("set cache=off; score t \"Once upon a time\" \" there\" \" here\"; cache"), captured.err)
        lines = captured.out.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("results cache \(path): 1 model, 2 results, ") }, captured.out)
        XCTAssertTrue(lines.contains("· off in this session (set cache=on)"), captured.out)

        captured.out = ""
        XCTAssertTrue(shell.execute("cache clear t; cache"), captured.err)
        lines = captured.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "cleared 2 results of t")
        XCTAssertTrue(lines[1].hasPrefix("results cache \(path): 0 models, 0 results, "), captured.out)

        XCTAssertFalse(shell.execute("cache t"))
        XCTAssertTrue(captured.err.hasSuffix("error: cache: ACTION expects one of clear, got 't' (usage: cache [ACTION] [NAME])\n"), captured.err)
    }

    func testAnUnopenableCacheWarnsOnceAndTheSessionRunsUncached() throws {
        guard FileManager.default.fileExists(atPath: Self.tiny) else { throw XCTSkip("\(Self.tiny) is missing") }
        let notADirectory = temporaryDirectory().appendingPathComponent("file")
        try Data("x".utf8).write(to: notADirectory)
        let captured = CapturedConsole()
        let shell = Interpreter(console: captured.console,
                                services: Services(models: ModelShelf(cachePath: notADirectory.path + "/cache.sqlite")))
        XCTAssertTrue(shell.execute("load t '\(Self.tiny)'; score t \"A\" \" b\" \" c\"; score t \"A\" \" b\" \" d\""), captured.err)
        let warnings = captured.err.split(separator: "\n").filter { $0.hasPrefix("warning: cannot open the results cache") }
        XCTAssertEqual(warnings.count, 1, captured.err)
        XCTAssertTrue(warnings[0].hasSuffix("; results are not cached this session"), String(warnings[0]))
        XCTAssertFalse(shell.execute("cache"))
        XCTAssertTrue(captured.err.contains("error: cache: the results cache cannot be opened: cannot open the results cache"), captured.err)
    }
}
