import Foundation
import TestSupport
import XCTest

/// The scripting contract other tools rely on: `-c`, `run FILE`, piped stdin, exit codes and stderr.
final class ScriptingTests: XCTestCase {
    private struct Outcome {
        var status: Int32
        var out: String
        var err: String
    }

    private func alignscope(_ arguments: [String], stdin: String? = nil) throws -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["ALIGNSCOPE_HISTORY"] = temporaryDirectory().appendingPathComponent("h").path
        let outcome = try Subprocess.run([try Executable.require()] + arguments, environment: environment,
                                         input: stdin ?? "", timeout: 300)
        XCTAssertFalse(outcome.timedOut, "alignscope \(arguments) did not finish")
        return Outcome(status: outcome.status, out: outcome.standardOutput, err: outcome.standardError)
    }

    func testDashCRunsCommandsAndStopsAtTheFirstFailure() throws {
        let ok = try alignscope(["-c", "set rows=3; set"])
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertTrue(ok.out.hasPrefix("rows    3 "), ok.out)
        XCTAssertEqual(ok.err, "")

        let failing = try alignscope(["-c", "set rows=4; sett; set"])
        XCTAssertEqual(failing.status, 1)
        XCTAssertEqual(failing.err, "error: unknown command 'sett' — did you mean 'set'? (type 'help' for the list)\n")
        XCTAssertEqual(failing.out, "")  // the `set` after the failure never ran
    }

    func testRunExecutesASessionFileAndNamesTheFailingLine() throws {
        let directory = temporaryDirectory()
        let good = directory.appendingPathComponent("good.alignscope")
        try "# a comment\nset rows=9\n#> recorded output is ignored\nset\n".write(to: good, atomically: true, encoding: .utf8)
        let ok = try alignscope(["run", good.path])
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertTrue(ok.out.contains("rows    9 "))

        let bad = directory.appendingPathComponent("bad.alignscope")
        try "set rows=2\n\nset rows=lots\nset\n".write(to: bad, atomically: true, encoding: .utf8)
        let failing = try alignscope(["run", bad.path])
        XCTAssertEqual(failing.status, 1)
        XCTAssertTrue(failing.err.hasPrefix("error: \(bad.path):3: set: rows= expects a whole number, got 'lots'"), failing.err)
        XCTAssertEqual(failing.out, "")

        let missing = try alignscope(["run", directory.appendingPathComponent("nope.alignscope").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("cannot read"), missing.err)
    }

    func testPipedStdinRunsLineByLineWithoutAPrompt() throws {
        let ok = try alignscope([], stdin: "set rows=5\nset \\\n  bars=off\nset\n")
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertFalse(ok.out.contains("alignscope>"))
        XCTAssertTrue(ok.out.contains("rows    5 ") && ok.out.contains("bars    off "), ok.out)
        XCTAssertEqual(ok.err, "")

        let failing = try alignscope([], stdin: "set\nnope\nset\n")
        XCTAssertEqual(failing.status, 1)
        XCTAssertEqual(failing.err, "error: <stdin>:2: unknown command 'nope' (type 'help' for the list)\n")
    }

    func testReplaySubcommandChecksASession() throws {
        let path = temporaryDirectory().appendingPathComponent("s.alignscope").path
        XCTAssertEqual(try alignscope(["-c", "set rows=3; set; save '\(path)'"]).status, 0)
        let clean = try alignscope(["replay", path, "--check"])
        XCTAssertEqual(clean.status, 0, clean.err)
        XCTAssertTrue(clean.out.contains("✓ 1 of 1 recorded outputs reproduced"), clean.out)

        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "#> rows    3", with: "#> rows    4")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let dirty = try alignscope(["replay", path, "--check"])
        XCTAssertEqual(dirty.status, 1)
        XCTAssertTrue(dirty.out.contains("recorded: rows    4"), dirty.out)
        XCTAssertTrue(dirty.err.contains("1 of 1 recorded outputs differ"), dirty.err)
    }

    func testNoColourWhenNotATerminal() throws {
        let outcome = try alignscope(["-c", "help"])
        XCTAssertFalse(outcome.out.contains("\u{1B}["))
    }
}
