import Foundation
import TestSupport
import XCTest

/// Drives a program in a real terminal: a detached tmux session, keys sent with `send-keys`, the screen read
/// with `capture-pane`. Waits poll the screen with a deadline instead of sleeping, so a loaded machine only
/// makes the test slower, never flaky.
final class TmuxSession {
    let name: String
    private(set) var isOpen = false

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    init(command: String, environment: [String: String] = [:], width: Int = 140, height: Int = 45) throws {
        name = "alignscope-test-\(UUID().uuidString.prefix(8))"
        // The tmux server may be older than this test process: pass the cache's home explicitly.
        let environment = environment.merging(["ALIGNSCOPE_HOME": TestHome.path]) { given, _ in given }
        let exports = environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        // The first command may fork the tmux server, which inherits the client's stdout: reading that pipe to
        // its end would wait for the server to exit, so this one's output is not captured.
        _ = try Self.run(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)",
                          "env TERM=xterm-256color LANG=C.UTF-8 \(exports) \(command)"], capture: false)
        _ = try Self.run(["set-option", "-t", name, "remain-on-exit", "on"])
        isOpen = true
    }

    deinit { close() }

    func close() {
        guard isOpen else { return }
        _ = try? Self.run(["kill-session", "-t", name])
        isOpen = false
    }

    /// Sends keys: literal text, or tmux key names such as `Enter`, `Tab`, `C-c`, `C-d`, `Up`.
    func send(_ keys: String...) throws {
        for key in keys {
            let isKeyName = ["Enter", "Tab", "C-c", "C-d", "Up", "Down", "BSpace"].contains(key)
            _ = try Self.run(["send-keys", "-t", name] + (isKeyName ? [key] : ["-l", key]))
        }
    }

    /// The visible screen, trailing spaces kept (`-N`: a prompt ends in one), trailing blank lines dropped.
    func screen() -> String {
        var lines = ((try? Self.run(["capture-pane", "-p", "-N", "-t", name])) ?? "")
            .split(separator: "\n", omittingEmptySubsequences: false)
        while let last = lines.last, last.allSatisfy({ $0 == " " }) { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    var isDead: Bool { ((try? Self.run(["display-message", "-p", "-t", name, "#{pane_dead}"])) ?? "").hasPrefix("1") }

    /// Waits until `predicate` holds for the screen; fails the test with the screen if it never does.
    @discardableResult
    func waitFor(_ description: String, timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line,
                 _ predicate: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if predicate(screen()) { return true }
            usleep(50_000)
        }
        XCTFail("timed out waiting for \(description); screen:\n\(screen())", file: file, line: line)
        return false
    }

    func waitFor(text: String, timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line) {
        waitFor("'\(text)'", timeout: timeout, file: file, line: line) { $0.contains(text) }
    }

    /// The last non-empty line on screen.
    func lastLine() -> String {
        screen().split(separator: "\n").last.map(String.init) ?? ""
    }

    /// One tmux command, with a deadline (never `Foundation.Process`: see ``Subprocess``).
    @discardableResult
    static func run(_ arguments: [String], capture: Bool = true) throws -> String {
        let outcome = try Subprocess.run(["tmux"] + arguments, captureOutput: capture, timeout: 30)
        if outcome.timedOut { throw Subprocess.Failure(description: "tmux \(arguments.joined(separator: " ")) timed out") }
        return outcome.standardOutput
    }
}

/// The `alignscope` executable built beside the test bundle.
enum Executable {
    static var path: String? {
        TestHome.isolate()  // children inherit ALIGNSCOPE_HOME
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("alignscope").path }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        // xctest bundles on Linux are files in the build directory; search it once.
        let build = directory.path
        return (try? FileManager.default.contentsOfDirectory(atPath: build))?
            .first { $0 == "alignscope" }.map { build + "/" + $0 }
    }

    static func require(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        guard let path else {
            XCTFail("the alignscope executable was not built next to the tests (\(CommandLine.arguments[0]))",
                    file: file, line: line)
            throw XCTSkip("no executable")
        }
        return path
    }
}
