import ArgumentParser
import Dispatch
import Engine
import Foundation
import InferenceAPI
import InferenceServer
import Synchronization

/// `alignscope serve`: this machine's models over the OpenAI-compatible HTTP API, for another machine's shell
/// (`load NAME url=http://HOST:PORT/v1 model=NAME`) or any OpenAI client.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve models over the OpenAI-compatible API: /v1/completions, /v1/chat/completions, /v1/models, /health.",
        discussion: """
        Binds to 127.0.0.1 unless --host says otherwise: the server has no authentication. Requests are answered \
        one at a time by the engine, in fair order between clients; oversized requests get a 4xx in OpenAI's \
        error shape. Stop with Ctrl-C.
        """)

    @Option(help: "Address to listen on (0.0.0.0 exposes the server to the network).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(name: .customLong("model"), help: "NAME=PATH of a model to serve; repeat for several. Default: the embedded SmolLM2.")
    var models: [String] = []

    @Option(help: "Largest request body accepted, in bytes.")
    var maxRequestBytes = 4 << 20

    @Option(help: "Largest max_tokens accepted.")
    var maxTokens = 4096

    @Option(help: "Requests that may wait for the engine before new ones get 503.")
    var maxQueued = 1024

    func validate() throws {
        guard (0 ... 65535).contains(port) else { throw ValidationError("--port \(port): expected 0…65535") }
        for model in models where Self.split(model) == nil {
            throw ValidationError("--model \(model): expected NAME=PATH")
        }
    }

    func run() throws {
        var served: [String: any LanguageModel] = [:]
        for (name, path) in try namedPaths() {
            do {
                served[name] = try EngineModel(name: name, path: path)
            } catch {
                throw ServeError("--model \(name)=…: \(error)")
            }
        }
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            FileHandle.standardError.write(Data("alignscope serve: listening on \(host) without authentication\n".utf8))
        }
        let server = InferenceServer(models: served, configuration: ServerConfiguration(
            host: host, port: port, maxRequestBytes: maxRequestBytes, maxTokens: maxTokens, maxQueuedRequests: maxQueued))
        let names = served.keys.sorted().joined(separator: ", ")
        let host = host
        let outcome = ServeOutcome()
        // SIGINT/SIGTERM stop the server gracefully: no new connections, requests in flight are answered. A second
        // Ctrl-C does not wait for them.
        let impatience = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let interrupts = Mutex(0)
        impatience.setEventHandler {
            if interrupts.withLock({ $0 += 1; return $0 }) >= 2 { _exit(130) }
        }
        impatience.resume()
        Task.detached {
            do {
                try await server.run(stopOnSignals: true) { port in
                    // The first line on stdout, flushed: scripts and tests read the bound port from it.
                    FileHandle.standardOutput.write(Data("alignscope serve: http://\(host):\(port)/v1 serving \(names) (Ctrl-C stops)\n".utf8))
                }
                outcome.finish(nil)
            } catch {
                outcome.finish(error)
            }
        }
        if let error = outcome.wait() {
            let text = "\(error)"
            throw ServeError("cannot serve on \(host):\(port): " + (text.contains("Address already in use") ? "the port is in use" : text))
        }
        impatience.cancel()
    }

    private func namedPaths() throws -> [(String, String)] {
        guard !models.isEmpty else {
            guard let path = DefaultModel.path else {
                throw ServeError("no --model NAME=PATH given and \(DefaultModel.expectedPath) is missing (scripts/fetch-smollm2.sh fetches it)")
            }
            return [("smollm2", path)]
        }
        var seen: Set<String> = []
        return try models.compactMap(Self.split).map { name, path in
            guard seen.insert(name).inserted else { throw ValidationError("--model \(name)=…: the name is given twice") }
            return (name, path)
        }
    }

    private static func split(_ argument: String) -> (String, String)? {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
              argument.index(after: equals) != argument.endIndex else { return nil }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }
}

/// Why `serve` could not start, as one line (no usage text: the arguments were fine).
struct ServeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The server task's end, waited for by the command's (main) thread.
private final class ServeOutcome: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var error: (any Error)?

    func finish(_ error: (any Error)?) {
        lock.withLock { self.error = error }
        done.signal()
    }

    func wait() -> (any Error)? {
        done.wait()
        return lock.withLock { error }
    }
}
