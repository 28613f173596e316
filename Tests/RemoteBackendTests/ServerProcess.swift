import Foundation
import InferenceAPI
import InferenceTestSupport
import XCTest

/// A server in another process, so a test can kill it for real (SIGKILL: no goodbye, connections reset).
///
/// The process is this very test binary, running only ``ChildServer/testServeUntilKilled``, told by environment
/// variables where to listen and where to log each text its model reads (the server-side request count).
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let logPath: String

    /// Starts a child serving the bigram model on `port` (0: any) and waits (≤ 30 s) until it listens.
    init(port: Int = 0, logPath: String) throws {
        let ready = logPath + ".ready-\(UUID().uuidString)"
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        process.arguments = ["RemoteBackendTests.ChildServer/testServeUntilKilled"]
        var environment = ProcessInfo.processInfo.environment
        environment[ChildServer.portVariable] = String(port)
        environment[ChildServer.logVariable] = logPath
        environment[ChildServer.readyVariable] = ready
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.logPath = logPath
        let deadline = Date().addingTimeInterval(30)
        var bound: Int?
        while bound == nil, Date() < deadline {
            bound = (try? String(contentsOfFile: ready, encoding: .utf8)).flatMap { Int($0) }
            if bound == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        try? FileManager.default.removeItem(atPath: ready)
        guard let bound else {
            sendKill(process.processIdentifier)
            process.waitUntilExit()
            throw InferenceError.backend("the child server did not start within 30 s")
        }
        self.port = bound
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Every text the child's model read, in order (one line each, JSON-escaped).
    var textsRead: [String] {
        guard let contents = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return contents.split(separator: "\n").compactMap {
            try? JSONDecoder().decode(String.self, from: Data($0.utf8))
        }
    }

    private var killed = false

    /// SIGKILL, then reap. (Foundation's `isRunning` is not trusted here: it can report a live child as gone.)
    func kill() {
        guard !killed else { return }
        killed = true
        sendKill(process.processIdentifier)
        process.waitUntilExit()
    }

    deinit { kill() }
}

private func sendKill(_ pid: Int32) {
    _ = Foundation.kill(pid, SIGKILL)
}

/// Not a test: the body of ``ServerProcess``'s child. Skips unless started as that child.
final class ChildServer: XCTestCase {
    static let portVariable = "ALIGNSCOPE_TEST_CHILD_PORT"
    static let logVariable = "ALIGNSCOPE_TEST_CHILD_LOG"
    static let readyVariable = "ALIGNSCOPE_TEST_CHILD_READY"

    func testServeUntilKilled() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let port = environment[Self.portVariable].flatMap(Int.init), let log = environment[Self.logVariable],
              let ready = environment[Self.readyVariable] else {
            throw XCTSkip("helper: runs only as the child server process of ResilienceTests")
        }
        let model = LoggingModel(wrapping: CharacterBigramModel(trainingText: surveyText), logPath: log)
        let server = try LoopbackServer(models: ["bigram": model], port: port)
        try String(server.port).write(toFile: ready, atomically: true, encoding: .utf8)
        // Bounded: a child whose parent died exits by itself.
        Thread.sleep(forTimeInterval: 120)
        server.stop()
    }
}

/// Appends each text its model reads to a file, one JSON string a line.
final class LoggingModel: ForwardingLanguageModel, @unchecked Sendable {
    let wrapped: any LanguageModel
    private let handle: FileHandle?
    private let lock = NSLock()

    init(wrapping model: any LanguageModel, logPath: String) {
        wrapped = model
        FileManager.default.createFile(atPath: logPath, contents: nil)
        handle = FileHandle(forWritingAtPath: logPath)
    }

    func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]] {
        let result = try wrapped.promptLogprobs(texts, control: control)
        lock.withLock {
            for text in texts {
                guard let line = try? JSONEncoder().encode(text) else { continue }
                handle?.seekToEndOfFile()
                handle?.write(line + Data("\n".utf8))
            }
        }
        return result
    }
}
