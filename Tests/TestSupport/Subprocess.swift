import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A child process run to its end with `posix_spawn` and `waitpid`, under a deadline.
///
/// Not `Foundation.Process`: on Linux it learns that a child exited from a socket the child inherits, and a
/// child that starts a daemon (tmux's first client forks the tmux server) hands that socket on, so
/// `waitUntilExit()` never returns (swift-corelibs-foundation#4795) — in CI, a suite that never ends. Here the
/// child keeps only its three standard descriptors, output goes to files (a daemon holding a pipe open cannot
/// stall a reader), and a child still running at the deadline is killed and reported.
public struct Subprocess {
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
        /// The deadline passed and the child was killed.
        public var timedOut: Bool
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Runs `arguments` (the first is looked up on `PATH`) with `input` on its standard input.
    ///
    /// - Parameters:
    ///   - environment: the child's environment; the test process's when `nil`.
    ///   - captureOutput: `false` sends the child's output to /dev/null.
    public static func run(_ arguments: [String], environment: [String: String]? = nil, input: String = "",
                           captureOutput: Bool = true, timeout: TimeInterval = 120) throws -> Outcome {
        guard let program = arguments.first else { throw Failure(description: "no program to run") }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("alignscope-subprocess-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputPath = directory.appendingPathComponent("stdin").path
        try Data(input.utf8).write(to: URL(fileURLWithPath: inputPath))
        let outputPath = captureOutput ? directory.appendingPathComponent("stdout").path : "/dev/null"
        let errorPath = captureOutput ? directory.appendingPathComponent("stderr").path : "/dev/null"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        closeDescriptorsFromThree(&actions)

        let environmentLines = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let spawned = withCStrings(arguments) { argv in
            withCStrings(environmentLines) { envp in posix_spawnp(&pid, program, &actions, nil, argv, envp) }
        }
        guard spawned == 0 else {
            throw Failure(description: "cannot run \(program): \(String(cString: strerror(spawned)))")
        }

        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var timedOut = false
        var pause: useconds_t = 1_000
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { throw Failure(description: "waitpid(\(program)): \(String(cString: strerror(errno)))") }
            if Date() >= deadline {
                timedOut = true
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                break
            }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        func read(_ path: String) -> String {
            captureOutput ? String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data(), as: UTF8.self) : ""
        }
        return Outcome(status: exitCode, standardOutput: read(outputPath), standardError: read(errorPath),
                       timedOut: timedOut)
    }
}

/// Calls `body` with a NULL-terminated C array of `strings`, valid for the call only.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers = strings.map { strdup($0) }
    pointers.append(nil)
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}

/// Adds "close every descriptor from 3 up" to `actions` (glibc 2.34's `posix_spawn_file_actions_addclosefrom_np`,
/// which Swift's Glibc module does not export: found at run time, skipped where the C library lacks it).
private func closeDescriptorsFromThree(_ actions: inout posix_spawn_file_actions_t) {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
    _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
}
