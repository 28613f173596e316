import Foundation
import XCTest

/// The REPL in a real terminal (tmux): completion, history across restarts, multi-line input, Ctrl-C during a
/// long command and at the prompt, Ctrl-D.
final class REPLTests: XCTestCase {
    private var history = ""

    override func setUpWithError() throws {
        guard TmuxSession.isAvailable else { throw XCTSkip("tmux is not installed") }
        continueAfterFailure = false
        history = temporaryDirectory().appendingPathComponent("history").path
    }

    private func start() throws -> TmuxSession {
        let session = try TmuxSession(command: try Executable.require(), environment: ["ALIGNSCOPE_HISTORY": history])
        session.waitFor(text: "alignscope> ")
        return session
    }

    func testCompletionMultiLineInputAndHistoryAcrossRestarts() throws {
        let session = try start()
        defer { session.close() }

        // Command names, then option names, complete with Tab.
        try session.send("hel", "Tab")
        session.waitFor(text: "alignscope> help ")
        try session.send("repl", "Tab")
        session.waitFor(text: "alignscope> help replay ")
        try session.send("Enter")
        session.waitFor(text: "usage: replay FILE [--check]")
        try session.send("set ro", "Tab")
        session.waitFor(text: "alignscope> set rows=")
        try session.send("7", "Enter")

        // A trailing backslash continues the command; so does an open quote.
        try session.send("set \\", "Enter")
        session.waitFor(text: "...> ")
        try session.send("bars=off", "Enter")
        try session.send("help 'se", "Enter")
        session.waitFor("a continuation prompt after an open quote") {
            $0.components(separatedBy: "...> ").count >= 3
        }
        try session.send("t'", "Enter")
        session.waitFor(text: "error: help: no command 'se\nt'")
        try session.send("set", "Enter")
        session.waitFor(text: "rows    7")
        session.waitFor(text: "bars    off")

        // Several candidates: Tab lists them.
        try session.send("s", "Tab")
        session.waitFor("the candidates listed") { $0.contains("save") && $0.contains("show") && $0.contains("sleep") }
        try session.send("C-c")

        try session.send("C-d")
        session.waitFor("the shell to exit on Ctrl-D") { _ in session.isDead }

        // History survives a restart: Up recalls the last command.
        let again = try start()
        defer { again.close() }
        try again.send("Up")
        session.close()
        again.waitFor("'set' recalled by Up") { $0.hasSuffix("alignscope> set") }
        XCTAssertTrue(try String(contentsOfFile: history, encoding: .utf8).contains("set\\040rows=7"))
    }

    func testCtrlCCancelsALongCommandAndClearsThePrompt() throws {
        let session = try start()
        defer { session.close() }

        try session.send("sleep 120", "Enter")
        session.waitFor(text: "ETA")  // the progress bar is drawing
        try session.send("C-c")
        session.waitFor(text: "error: sleep: cancelled (Ctrl-C); finished work was kept")
        session.waitFor("a fresh prompt") { $0.hasSuffix("kept\nalignscope> ") }

        // Ctrl-C at the prompt throws the typed line away.
        try session.send("nonsense words")
        session.waitFor(text: "alignscope> nonsense words")
        try session.send("C-c")
        session.waitFor(text: "nonsense words^C")
        try session.send("set rows=3", "Enter", "set", "Enter")
        session.waitFor(text: "rows    3")
        XCTAssertFalse(session.screen().contains("unknown command 'nonsense'"))
        XCTAssertFalse(session.isDead)

        try session.send("quit", "Enter")
        session.waitFor("the shell to exit on quit") { _ in session.isDead }
    }
}
