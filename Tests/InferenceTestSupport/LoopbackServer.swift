import Foundation
import InferenceAPI
import InferenceServer
import Synchronization

/// An ``InferenceServer`` on 127.0.0.1 at an ephemeral (or given) port, run on a background task for one test.
/// `stop()` cancels the task, which closes the listener and every open connection, as a killed server would.
public final class LoopbackServer: Sendable {
    public let server: InferenceServer
    public let port: Int
    private let task: Task<Void, any Error>

    /// Starts serving and waits (at most 10 s) until the port is bound.
    public init(models: [String: any LanguageModel], port: Int = 0,
                configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: port)
        configure(&configuration)
        let server = InferenceServer(models: models, configuration: configuration)
        let bound = BoundPort()
        task = Task.detached { try await server.run { port in bound.set(port) } }
        guard let port = bound.wait(seconds: 10) else {
            task.cancel()
            throw InferenceError.backend("the test server did not start listening within 10 s")
        }
        self.server = server
        self.port = port
    }

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Stops serving and waits (at most 10 s) for the listener to close.
    public func stop() {
        task.cancel()
        let done = DispatchSemaphore(value: 0)
        Task.detached { [task] in
            _ = await task.result
            done.signal()
        }
        _ = done.wait(timeout: .now() + 10)
    }

    deinit {
        task.cancel()
    }
}

/// A value set once from another thread, waited for with a deadline.
final class BoundPort: Sendable {
    private let value = Mutex<Int?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func set(_ port: Int) {
        value.withLock { $0 = port }
        ready.signal()
    }

    func wait(seconds: Double) -> Int? {
        guard ready.wait(timeout: .now() + seconds) == .success else { return nil }
        return value.withLock { $0 }
    }
}

/// A text to train test models on: plain sentences in the register of the study's prompts.
public let surveyText = """
Human: Do you think people in your country should have more say in how the economy is run?
Here are the options:
(A) Yes, a lot more
(B) Somewhat more
(C) About the same
(D) Less
Assistant: If I had to select one of the options, my answer would be (A) because most people in most countries \
say that they would like more say in the economy, in the government and in their own lives. The survey asked \
people across many countries the same questions, and the answers differ from one country to the next. \
Some countries trust their government, others do not; some think that the economy is doing well, others think \
it is doing badly. A model that has been aligned may answer like people in one country more than in another.
"""
