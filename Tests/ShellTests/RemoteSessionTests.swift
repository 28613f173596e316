import Foundation
import XCTest

/// Both sides real, as processes on 127.0.0.1: `alignscope serve` with a model file, and `alignscope -c` loading
/// it with `load NAME url=…`. Scores equal the in-process model's; a server SIGKILLed in the middle of a live
/// analysis and restarted is ridden out with nothing lost or asked twice; a shell SIGKILLed mid-run resumes from
/// the results cache asking the server for exactly what is missing. Every wait has a deadline.
final class RemoteSessionTests: XCTestCase {
    /// A random-weight Llama GGUF with the real Llama 2 vocabulary (1.8 MB, ../shared/models).
    static let tiny = PathsForTests.shared.appendingPathComponent("models/llama-2-tiny-random.gguf").path

    override func setUpWithError() throws {
        guard FileManager.default.fileExists(atPath: Self.tiny) else { throw XCTSkip("\(Self.tiny) is missing") }
    }

    /// `alignscope -c COMMANDS` with the results cache under `home`.
    private func shell(_ commands: String, home: String, timeout: Double = 120) throws -> ShellRun {
        try ShellRun.run(["-c", commands], environment: ["ALIGNSCOPE_HOME": home], timeout: timeout)
    }

    /// The rows of a result exported as JSON.
    private func rows(_ path: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        return try XCTUnwrap((object as? [String: Any])?["rows"] as? [[String: Any]], path)
    }

    /// Same rows; numbers equal within `tolerance` relative, everything else exactly, except `ignoring` columns.
    private func assertSameRows(_ a: [[String: Any]], _ b: [[String: Any]], ignoring: Set<String> = ["model"],
                                tolerance: Double = 1e-6, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "row count", file: file, line: line)
        for (index, (x, y)) in zip(a, b).enumerated() {
            XCTAssertEqual(Set(x.keys), Set(y.keys), file: file, line: line)
            for key in x.keys where !ignoring.contains(key) {
                if let u = x[key] as? Double, let v = y[key] as? Double, !(x[key] is String) {
                    XCTAssertEqual(u, v, accuracy: tolerance * max(abs(u), abs(v), 1e-300), "row \(index) \(key)", file: file, line: line)
                } else {
                    XCTAssertEqual("\(x[key] ?? "nil")", "\(y[key] ?? "nil")", "row \(index) \(key)", file: file, line: line)
                }
            }
        }
    }

    /// The `score/mean-nll` results `cache` lists for the model named `name`.
    private func cachedScores(of name: String, home: String) throws -> Int {
        let listing = try shell("cache", home: home)
        XCTAssertEqual(listing.status, 0, listing.err)
        guard let row = listing.out.split(separator: "\n").first(where: { $0.hasPrefix(name + " ") }),
              let range = row.range(of: #"score/mean-nll [0-9]+"#, options: .regularExpression) else { return 0 }
        return Int(row[range].split(separator: " ")[1]) ?? 0
    }

    /// How many /v1/completions requests `load` itself sends to a server (the capability probe).
    private func probeRequests(_ server: ServeProcess) throws -> Int {
        let before = try server.idleHealth().completions
        let load = try shell("load m url=\(server.baseURL) model=tiny", home: TestHome.fresh())
        XCTAssertEqual(load.status, 0, load.err)
        return try server.idleHealth().completions - before
    }

    func testScoresNextTokensAndGenerationOverLoopbackEqualTheInProcessModel() throws {
        let server = try ServeProcess(models: ["tiny": Self.tiny])
        let directory = temporaryDirectory().path
        func session(_ load: String, _ tag: String) -> String {
            """
            \(load)
            score m 'Question: Which city is the capital of France?\\nAnswer:' ' Paris' ' Lyon' ' Marseille, Zürich' as a
            export a to \(directory)/\(tag)-a.json
            score m 'The weather in Reykjavík is' ' cold' ' warm and sunny' method=next-token as b
            export b to \(directory)/\(tag)-b.json
            next m 'The capital of France is' top=5
            ask m 'Once upon a time' max=12
            """
        }
        let remote = try shell(session("load m url=\(server.baseURL) model=tiny", "remote"), home: TestHome.fresh())
        let local = try shell(session("load m '\(Self.tiny)'", "local"), home: TestHome.fresh())
        XCTAssertEqual(remote.status, 0, remote.err)
        XCTAssertEqual(local.status, 0, local.err)

        let lines = remote.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(Array(lines.prefix(4)), [
            "m: remote language model tiny at \(server.baseURL) (alignscope server)",
            "  serves: tiny",
            "  scoring: yes — prompt logprobs from /v1/completions (echo, max_tokens=0)",
            "  tokenizer: GGUF llama SentencePiece BPE (32000) (served by http://127.0.0.1:\(server.port))",
        ])
        for tag in ["a", "b"] {
            assertSameRows(try rows("\(directory)/remote-\(tag).json"), try rows("\(directory)/local-\(tag).json"))
        }
        // After the load lines the sessions print the same, but for the model's name in titles and the token ids
        // that a remote `next` does not get (OpenAI's top_logprobs carry none).
        // Column widths follow the widest cell, so the id column's width differs too: spaces are compared as one.
        func comparable(_ out: String, skipping: Int) -> [String] {
            out.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(skipping)
                .filter { !$0.allSatisfy { $0 == "─" || $0 == " " } || $0.isEmpty }
                .map {
                    $0.replacingOccurrences(of: #"^( +[0-9]+) +(—|[0-9]+) "#, with: "$1 ID ", options: .regularExpression)
                        .replacingOccurrences(of: #"/(remote|local)-"#, with: "/TAG-", options: .regularExpression)
                        .replacingOccurrences(of: #" +"#, with: " ", options: .regularExpression)
                }
        }
        XCTAssertEqual(comparable(remote.out, skipping: 4), comparable(local.out, skipping: 1))
    }

    func testAServerKilledMidAnalysisIsRiddenOutWithNothingLostOrAskedTwice() throws {
        let selection = "goqa[0:10]"
        let directory = temporaryDirectory().path
        func run(_ url: String, export: String) -> String {
            "load m url=\(url) model=tiny concurrency=4 timeout=20 retries=30; opinions m on \(selection); export $1 to \(export)"
        }

        // The uninterrupted run, on a server of its own: the reference numbers and the requests the run takes.
        let reference = try ServeProcess(models: ["tiny": Self.tiny])
        let probe = try probeRequests(reference)
        let before = try reference.idleHealth().completions
        let uninterrupted = try shell(run(reference.baseURL, export: "\(directory)/reference.json"), home: TestHome.fresh())
        XCTAssertEqual(uninterrupted.status, 0, uninterrupted.err)
        let requests = try reference.idleHealth().completions - before - probe
        reference.kill()

        // The same run against a server that is SIGKILLed a third of the way in and restarted on the same port.
        let home = TestHome.fresh()
        let first = try ServeProcess(models: ["tiny": Self.tiny])
        let client = try ShellRun.start(["-c", run(first.baseURL, export: "\(directory)/resumed.json")],
                                        environment: ["ALIGNSCOPE_HOME": home])
        var receivedByFirst = 0
        let deadline = Date().addingTimeInterval(60)
        while receivedByFirst < requests / 3, Date() < deadline, client.process.isRunning {
            receivedByFirst = (try? first.health().completions).map { $0 - probe } ?? receivedByFirst
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertTrue(client.process.isRunning, "the run ended before the server could be killed")
        first.kill()
        Thread.sleep(forTimeInterval: 0.3)
        let second = try ServeProcess(models: ["tiny": Self.tiny], port: first.port)
        let resumed = try client.finish(timeout: 120)
        XCTAssertEqual(resumed.status, 0, resumed.err)
        assertSameRows(try rows("\(directory)/resumed.json"), try rows("\(directory)/reference.json"))

        // Counted server-side: the new process was asked only for what the killed one had not answered — at most
        // the `concurrency` requests in flight when it died are asked again — and not for everything.
        let askedOfSecond = try second.idleHealth().completions
        XCTAssertLessThanOrEqual(askedOfSecond, requests - receivedByFirst + 4)
        XCTAssertLessThan(askedOfSecond, requests)
        XCTAssertEqual(try cachedScores(of: "m", home: home), 10, "one cached result per question")

        // Re-running the whole analysis asks the server nothing but load's probe.
        let rerun = try shell(run(second.baseURL, export: "\(directory)/rerun.json"), home: home)
        XCTAssertEqual(rerun.status, 0, rerun.err)
        XCTAssertEqual(try second.idleHealth().completions - askedOfSecond, probe)
        assertSameRows(try rows("\(directory)/rerun.json"), try rows("\(directory)/reference.json"))
    }

    func testAShellKilledMidRunResumesAskingTheServerForExactlyWhatIsMissing() throws {
        let server = try ServeProcess(models: ["tiny": Self.tiny])
        let probe = try probeRequests(server)
        let items = 40
        // Each statement scores 3 candidates: 4 distinct texts (the prompt alone, and with each candidate).
        let statements = (0 ..< items).map { index in
            "score m 'Survey item \(index): would you say that people in your country can be trusted, or that you "
                + "cannot be too careful in dealing with them? Answer:' ' yes' ' no' ' it depends'"
        }
        let commands = "load m url=\(server.baseURL) model=tiny concurrency=2; " + statements.joined(separator: "; ")
        let home = TestHome.fresh()
        let start = try server.idleHealth().completions
        let client = try ShellRun.start(["-c", commands], environment: ["ALIGNSCOPE_HOME": home])
        let deadline = Date().addingTimeInterval(60)
        while (try? server.health().completions).map({ $0 - start - probe }) ?? 0 < 4 * items / 4, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        client.kill()
        let afterKill = try server.idleHealth().completions
        let cached = try cachedScores(of: "m", home: home)
        XCTAssertGreaterThan(cached, 0, "some statements finished before the kill")
        XCTAssertLessThan(cached, items, "the kill came mid-run")

        let rerun = try shell(commands, home: home)
        XCTAssertEqual(rerun.status, 0, rerun.err)
        XCTAssertEqual(try server.idleHealth().completions - afterKill, probe + 4 * (items - cached),
                       "the rerun asked for the unfinished statements' texts, each once, and nothing else")
        XCTAssertEqual(try cachedScores(of: "m", home: home), items)
    }
}
