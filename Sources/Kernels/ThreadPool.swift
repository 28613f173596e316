import CKernels
import Foundation
import Synchronization

/// A fixed set of worker threads that run one data-parallel job at a time, with the calling thread taking part.
///
/// Work is split statically: ``parallelFor(_:_:)`` hands part `i` of `parts` to thread `i % threadCount`, so
/// which thread computes what never depends on timing. Kernels keep every output element's arithmetic inside
/// one part, which is what makes results identical for any thread count.
///
/// Workers spin briefly between jobs (a decode step issues hundreds of small jobs per token, and waking a
/// sleeping thread costs tens of microseconds), then sleep on a semaphore so an idle pool costs no CPU.
public final class ThreadPool: @unchecked Sendable {
    /// The number of threads that run a job, the caller included.
    public let threadCount: Int

    private let state: State
    /// Serialises callers: one job at a time.
    private let submission = Mutex<Void>(())

    /// A pool of `threads` threads (at least one: the caller).
    public init(threads: Int) {
        threadCount = max(1, threads)
        state = State(workers: threadCount - 1, threadCount: threadCount)
        for worker in state.workers {
            let state = self.state
            let thread = Thread { state.workLoop(worker) }
            thread.name = "alignscope-kernel-\(worker.index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        state.shutdown.store(true, ordering: .sequentiallyConsistent)
        state.generation.add(1, ordering: .sequentiallyConsistent)
        for worker in state.workers where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            worker.wake.signal()
        }
    }

    /// One pool for the whole process, sized to the machine's cores.
    public static let shared = ThreadPool(threads: ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body(part)` for every part in `0..<parts`; part `i` runs on thread `i % threadCount`.
    /// Returns when all parts are done.
    public func parallelFor(_ parts: Int, _ body: (Int) -> Void) {
        guard parts > 0 else { return }
        if threadCount == 1 || parts == 1 {
            for part in 0..<parts { body(part) }
            return
        }
        submission.withLock { _ in
            withoutActuallyEscaping(body) { escapable in
                let job = Job(parts: parts, body: escapable)
                state.job = job
                state.pending.store(state.workers.count, ordering: .sequentiallyConsistent)
                state.generation.add(1, ordering: .sequentiallyConsistent)
                for worker in state.workers where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                    worker.wake.signal()
                }
                state.run(job, thread: 0)
                // On a loaded machine a worker may be descheduled: spin briefly, then give up the core.
                var spins = 0
                while state.pending.load(ordering: .acquiring) > 0 {
                    spins += 1
                    if spins < 4_000 { spinPause() } else { sched_yield() }
                }
                state.job = nil
            }
        }
    }

    /// Splits `0..<count` into one contiguous range per thread (sizes rounded to `granularity`), runs them in
    /// parallel. Empty ranges are skipped.
    public func parallelRanges(_ count: Int, granularity: Int = 1, _ body: (Range<Int>) -> Void) {
        let ranges = Self.split(count, into: threadCount, granularity: granularity)
        parallelFor(ranges.count) { body(ranges[$0]) }
    }

    /// `count` split into at most `parts` contiguous, non-empty ranges whose bounds are multiples of
    /// `granularity` (except the end).
    public static func split(_ count: Int, into parts: Int, granularity: Int = 1) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let units = (count + granularity - 1) / granularity
        let parts = max(1, min(parts, units))
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(parts)
        for part in 0..<parts {
            let lower = min(count, units * part / parts * granularity)
            let upper = min(count, units * (part + 1) / parts * granularity)
            if lower < upper { ranges.append(lower..<upper) }
        }
        return ranges
    }

    fileprivate struct Job {
        let parts: Int
        let body: (Int) -> Void
    }

    /// What the worker threads share with the pool; outlives the pool until every worker has exited.
    fileprivate final class State: @unchecked Sendable {
        let workers: [Worker]
        let threadCount: Int
        /// Bumped once per job; workers compare it with the last job they ran.
        let generation = Atomic<Int>(0)
        /// Workers still running the current job.
        let pending = Atomic<Int>(0)
        let shutdown = Atomic<Bool>(false)
        /// The current job, valid while `pending > 0`.
        nonisolated(unsafe) var job: Job?

        init(workers: Int, threadCount: Int) {
            self.workers = (0..<workers).map { Worker(index: $0 + 1) }
            self.threadCount = threadCount
        }

        func run(_ job: Job, thread: Int) {
            var part = thread
            while part < job.parts {
                job.body(part)
                part += threadCount
            }
        }

        func workLoop(_ worker: Worker) {
            var seen = 0
            while true {
                var spins = 0
                while generation.load(ordering: .acquiring) == seen {
                    spins += 1
                    if spins < 20_000 { spinPause(); continue }
                    // Dekker-style hand-off with parallelFor: either we see the new generation or it sees us asleep.
                    worker.sleeping.store(true, ordering: .sequentiallyConsistent)
                    if generation.load(ordering: .sequentiallyConsistent) != seen {
                        if !worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) { worker.wake.wait() }
                    } else {
                        worker.wake.wait()
                    }
                    spins = 0
                }
                if shutdown.load(ordering: .sequentiallyConsistent) { return }
                seen = generation.load(ordering: .acquiring)
                if let job { run(job, thread: worker.index) }
                pending.subtract(1, ordering: .releasing)
            }
        }
    }

    fileprivate final class Worker: @unchecked Sendable {
        let index: Int
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
        init(index: Int) { self.index = index }
    }
}

@inline(__always)
private func spinPause() {
    #if arch(x86_64) || arch(i386)
    ck_pause()
    #endif
}
