import XCTest
@testable import Shell

final class SessionTests: XCTestCase {
    func testSaveWritesCommandsWithOutputsAndDigests() throws {
        let path = temporaryDirectory().appendingPathComponent("s.alignscope").path
        let captured = CapturedConsole()
        let shell = makeInterpreter(captured)
        XCTAssertTrue(shell.execute("figures zephyr as z; help; set rows=2 bars=off; show z; save '\(path)'"), captured.err)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let entries = try SessionFile.parse(text)
        XCTAssertEqual(entries.map(\.command), ["figures zephyr as z", "set rows=2 bars=off", "show z"])  // help/save not recorded
        XCTAssertEqual(entries[0].output.first, "$1 (z) = Opinion similarity — zephyr")
        XCTAssertTrue(entries[0].digest?.hasPrefix("$1 fnv1a64:") ?? false)
        XCTAssertTrue(text.contains("\nfigures zephyr as z\n#> $1 (z) = Opinion similarity — zephyr\n"))
        XCTAssertEqual(entries[2].output.suffix(2), ["… 1 more rows (export to see all)", "· 3 countries"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    func testReplayCheckIsCleanOnAFaithfulSession() throws {
        let path = try savedSession()
        let captured = CapturedConsole()
        let shell = makeInterpreter(captured)
        XCTAssertTrue(shell.execute("replay '\(path)' --check"), captured.err)
        XCTAssertTrue(captured.out.contains("✓ 2 of 2 recorded outputs reproduced (3 commands"), captured.out)
        XCTAssertEqual(shell.results.entries.count, 2)  // the replayed results join this session
    }

    func testReplayCheckReportsAChangedOutputLine() throws {
        let path = try savedSession()
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: "United States      0.6048"))
        text.replaceSubrange(range, with: "United States      0.6049")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0 == "figures zephyr as z" }.map { $0 + 1 } ?? 0
        let captured = CapturedConsole()
        XCTAssertFalse(makeInterpreter(captured).execute("replay '\(path)' --check"))
        XCTAssertTrue(captured.out.contains("✗ \(path):\(line): figures zephyr as z"), captured.out)
        XCTAssertTrue(captured.out.contains("  recorded: zephyr  United States      0.6049"), captured.out)
        XCTAssertTrue(captured.out.contains("  replayed: zephyr  United States      0.6048"), captured.out)
        XCTAssertTrue(captured.err.contains("replay: 1 of 2 recorded outputs differ in \(path)"), captured.err)
    }

    func testReplayCheckCatchesAChangeTheTerminalRoundsAway() throws {
        let path = try savedSession()
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "figures mistral\n", with: "figures mistral scale=1.0000001\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let captured = CapturedConsole()
        XCTAssertFalse(makeInterpreter(captured).execute("replay '\(path)' --check"))
        XCTAssertTrue(captured.out.contains("result digest: recorded $2 fnv1a64:"), captured.out)
        XCTAssertFalse(captured.out.contains("output line"), captured.out)
    }

    func testMultiLineCommandsSurviveTheRoundTrip() throws {
        let entries = [SessionEntry(command: "ask m \"line one\n# not a comment\nline three\"", output: ["x"], digest: nil)]
        let parsed = try SessionFile.parse(SessionFile.render(entries, name: "t"))
        XCTAssertEqual(parsed.map(\.command), [entries[0].command])
        XCTAssertEqual(parsed[0].output, ["x"])
        XCTAssertEqual(parsed[0].line, 6)
    }

    func testRunIgnoresRecordedOutput() throws {
        let path = try savedSession()
        let captured = CapturedConsole()
        let shell = makeInterpreter(captured)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(shell.execute(text, source: .init(name: path)), captured.err)
        XCTAssertEqual(shell.results.entries.count, 2)
    }

    /// figures zephyr as z; figures mistral; show z — saved to a fresh file.
    private func savedSession() throws -> String {
        let path = temporaryDirectory().appendingPathComponent("check.alignscope").path
        let captured = CapturedConsole()
        let shell = makeInterpreter(captured)
        XCTAssertTrue(shell.execute("set bars=off; figures zephyr as z; figures mistral; save '\(path)'"), captured.err)
        return path
    }
}
