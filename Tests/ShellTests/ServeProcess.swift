import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// `alignscope serve` in a process of its own, so a test can kill it for real (SIGKILL: no goodbye, connections
/// reset). The bound port is read from the first line the server prints; `/health` gives its request counters.
final class ServeProcess {
    let process = Process()
    let port: Int
    private(set) var isRunning = true

    /// Starts `alignscope serve --host 127.0.0.1 --port PORT --model NAME=PATH …` and waits (≤ 30 s) until it listens.
    init(models: [String: String], port: Int = 0) throws {
        process.executableURL = URL(fileURLWithPath: try Executable.require())
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port)]
            + models.sorted { $0.key < $1.key }.flatMap { ["--model", "\($0.key)=\($0.value)"] }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = Self.firstLine(of: output.fileHandleForReading, within: 30)
        guard let line, let range = line.range(of: #"127\.0\.0\.1:[0-9]+"#, options: .regularExpression),
              let bound = Int(line[range].split(separator: ":")[1]) else {
            _ = Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw XCTSkip("alignscope serve did not start within 30 s: \(line ?? "no output")")
        }
        self.port = bound
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    struct Health: Decodable {
        var requests: [String: Int]
        var answered: Int
        var queued: Int

        var completions: Int { requests["POST /v1/completions", default: 0] }
    }

    /// The server's counters (requests received per route, engine jobs answered and waiting).
    func health() throws -> Health {
        try JSONDecoder().decode(Health.self, from: try HTTP.get("http://127.0.0.1:\(port)/health"))
    }

    /// Waits until nothing is queued or running, then returns the counters.
    func idleHealth(within seconds: Double = 30) throws -> Health {
        let deadline = Date().addingTimeInterval(seconds)
        var health = try self.health()
        while Date() < deadline {
            // /health itself is a request, but not an engine job: idle when every job received was answered.
            if health.queued == 0, health.answered >= health.completions + health.requests["POST /apply-template", default: 0] {
                return health
            }
            Thread.sleep(forTimeInterval: 0.02)
            health = try self.health()
        }
        return health
    }

    /// SIGKILL, then reap.
    func kill() {
        guard isRunning else { return }
        isRunning = false
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { kill() }

    /// Reads up to the first newline, giving up after `seconds` (a reader thread, so a silent child cannot hang).
    private static func firstLine(of handle: FileHandle, within seconds: Double) -> String? {
        let box = LineBox()
        let reader = Thread {
            var data = Data()
            while !data.contains(UInt8(ascii: "\n")) {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            box.set(String(decoding: data, as: UTF8.self))
        }
        reader.start()
        return box.wait(seconds: seconds)
    }
}

private final class LineBox: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var line: String?

    func set(_ value: String) {
        lock.withLock { line = value }
        ready.signal()
    }

    func wait(seconds: Double) -> String? {
        guard ready.wait(timeout: .now() + seconds) == .success else { return nil }
        return lock.withLock { line }
    }
}

/// A plain GET on loopback, bounded in time.
enum HTTP {
    static func get(_ url: String, timeout: Double = 10) throws -> Data {
        guard let address = URL(string: url) else { throw URLError(.badURL) }
        let box = ResponseBox()
        let task = URLSession.shared.dataTask(with: URLRequest(url: address, timeoutInterval: timeout)) { data, _, error in
            box.set(data.map { .success($0) } ?? .failure(error ?? URLError(.badServerResponse)))
        }
        task.resume()
        return try box.wait(seconds: timeout + 1)
    }
}

private final class ResponseBox: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<Data, any Error>?

    func set(_ value: Result<Data, any Error>) {
        lock.withLock { result = value }
        ready.signal()
    }

    func wait(seconds: Double) throws -> Data {
        guard ready.wait(timeout: .now() + seconds) == .success, let result = lock.withLock({ result }) else {
            throw URLError(.timedOut)
        }
        return try result.get()
    }
}

/// `alignscope ARGUMENTS` run to completion (or killed after `timeout` seconds), its output captured.
struct ShellRun {
    var status: Int32
    var out: String
    var err: String

    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil,
                    timeout: Double = 120) throws -> ShellRun {
        let process = try start(arguments, environment: environment, in: directory)
        return try process.finish(timeout: timeout)
    }

    /// Starts `alignscope` (in `directory`, else this process's working directory) without waiting; output goes
    /// to files so the child never blocks on a full pipe.
    static func start(_ arguments: [String], environment: [String: String] = [:], in workingDirectory: URL? = nil) throws -> Started {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Executable.require())
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let out = directory.appendingPathComponent("out"), err = directory.appendingPathComponent("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Started(process: process, directory: directory)
    }

    final class Started {
        let process: Process
        let directory: URL

        init(process: Process, directory: URL) {
            self.process = process
            self.directory = directory
        }

        func kill() {
            _ = Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        /// What the child has written to stdout so far.
        var outputSoFar: String {
            (try? String(contentsOf: directory.appendingPathComponent("out"), encoding: .utf8)) ?? ""
        }

        /// Waits for the exit (killing the child after `timeout` seconds) and reads what it wrote.
        func finish(timeout: Double) throws -> ShellRun {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill() }
            process.waitUntilExit()
            defer { try? FileManager.default.removeItem(at: directory) }
            let out = (try? String(contentsOf: directory.appendingPathComponent("out"), encoding: .utf8)) ?? ""
            let err = (try? String(contentsOf: directory.appendingPathComponent("err"), encoding: .utf8)) ?? ""
            return ShellRun(status: process.terminationStatus, out: out, err: err)
        }
    }
}
