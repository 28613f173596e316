import Dispatch
import InferenceAPI
import Synchronization

/// Runs the backend's async HTTP work for the synchronous ``LanguageModel`` calls.
///
/// The async work runs on a private serial queue (a `TaskExecutor`), never on Swift's cooperative pool, so a
/// caller that blocks a pool thread while it waits — the shell does — cannot starve the very tasks it waits
/// for. The HTTP I/O itself happens on NIO's event loops; the queue only parses JSON and bookkeeps.
final class BlockingBridge: Sendable {
    private let executor: SerialQueueExecutor

    init(label: String) {
        executor = SerialQueueExecutor(queue: DispatchQueue(label: label))
    }

    /// Runs `operation` to completion and returns its result. When `cancellation` is set, the operation sees it
    /// (it stops sending new requests); if it has not finished `grace` seconds later, its task is cancelled,
    /// which aborts the requests still in flight.
    func run<T: Sendable>(cancellation: Cancellation, grace: Double,
                          _ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let task = Task(executorPreference: executor) {
            let result: Result<T, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        var cancelledAt: DispatchTime?
        while finished.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            guard cancellation.isCancelled else { continue }
            let now = DispatchTime.now()
            if let cancelledAt {
                if now.uptimeNanoseconds - cancelledAt.uptimeNanoseconds > UInt64(max(0, grace) * 1e9) { task.cancel() }
            } else {
                cancelledAt = now
            }
        }
        guard let result = outcome.withLock({ $0 }) else {
            throw InferenceError.backend("remote: the request task ended without a result")
        }
        return try result.get()
    }
}

/// A `TaskExecutor` backed by one serial dispatch queue.
final class SerialQueueExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(queue: DispatchQueue) {
        self.queue = queue
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
