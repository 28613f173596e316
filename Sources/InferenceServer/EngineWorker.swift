import Foundation
import InferenceAPI
import Synchronization

/// The one thread that runs the engine. Models are synchronous and use every core for one batch, so requests
/// are served one at a time, in ``FairQueue`` order, off Swift's cooperative pool (which they would block).
final class EngineWorker: Sendable {
    typealias Job = @Sendable (_ abandoned: Bool) -> Void

    private let queue = Mutex(FairQueue<Job>())
    private let available = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let capacity: Int
    private let completed = Atomic<Int>(0)

    init(capacity: Int) {
        self.capacity = capacity
        let thread = Thread { [self] in loop() }
        thread.name = "alignscope-engine"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Requests answered so far.
    var completedJobs: Int { completed.load(ordering: .relaxed) }

    /// Requests waiting for the engine.
    var queuedJobs: Int { queue.withLock { $0.count } }

    private func loop() {
        while true {
            available.wait()
            if stopped.load(ordering: .acquiring) { break }
            guard let job = queue.withLock({ $0.next() }) else { continue }
            job(false)
            completed.add(1, ordering: .relaxed)
        }
        for job in queue.withLock({ $0.removeAll() }) { job(true) }
    }

    /// Runs `work` on the engine thread when `client`'s turn comes and returns its result. If the caller's task is
    /// cancelled (the client went away), `cancellation` is set so the engine stops at its next check.
    func perform<T: Sendable>(client: String, cancellation: Cancellation,
                              _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let job: Job = { abandoned in
                    if abandoned { return continuation.resume(throwing: ServerBusy.shuttingDown) }
                    if cancellation.isCancelled { return continuation.resume(throwing: InferenceError.cancelled) }
                    continuation.resume(with: Result { try work() })
                }
                guard submit(job, client: client) else { return continuation.resume(throwing: ServerBusy.queueFull) }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// Queues a job that reports its own outcome (streaming). `false` when the queue is full or stopped.
    func submit(_ job: @escaping Job, client: String) -> Bool {
        let accepted = queue.withLock { queue -> Bool in
            guard !stopped.load(ordering: .acquiring), queue.count < capacity else { return false }
            queue.append(job, client: client)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// Stops the thread after the job it is running; queued jobs are abandoned (their clients get 503).
    func stop() {
        stopped.store(true, ordering: .releasing)
        available.signal()
    }
}

enum ServerBusy: Error {
    case queueFull, shuttingDown
}
