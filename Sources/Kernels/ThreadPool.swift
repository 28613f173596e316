import CKernels
import Foundation
import Synchronization

/// A fixed set of worker threads that run one data-parallel job at a time, with the calling thread taking part.
///
/// A job is `parts` independent pieces of work; threads claim parts one at a time from a shared counter, so a
/// worker that the OS has descheduled (the machine is shared) delays nothing: the others take its parts.
/// Which thread runs a part never matters for the result: kernels keep each output element's arithmetic inside
/// one part and split work by data, never by thread count, so results are identical for any number of threads.
///
/// Workers spin briefly between jobs (a decode step issues hundreds of small jobs per token, and waking a
/// sleeping thread costs tens of microseconds), then sleep on a semaphore so an idle pool costs no CPU.
public final class ThreadPool: @unchecked Sendable {
    /// The number of threads that run a job, the caller included.
    public let threadCount: Int

    private let state: State
    /// Serialises callers: one job at a time.
    private let submission = Mutex<Int>(0)

    /// A pool of `threads` threads (at least one: the caller).
    public init(threads: Int) {
        threadCount = max(1, threads)
        state = State(workers: threadCount - 1)
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
        state.ticket.add(Ticket.generationUnit, ordering: .sequentiallyConsistent)
        state.wakeSleepers()
    }

    /// One pool for the whole process, sized to the machine's cores.
    public static let shared = ThreadPool(threads: ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body(part)` for every part in `0..<parts` and returns when all are done.
    public func parallelFor(_ parts: Int, _ body: (Int) -> Void) {
        guard parts > 0 else { return }
        if threadCount == 1 || parts == 1 {
            for part in 0..<parts { body(part) }
            return
        }
        guard parts <= Ticket.maximumParts else {
            // Larger jobs go in slices (never happens for the engine's shapes).
            var start = 0
            while start < parts {
                let count = min(Ticket.maximumParts, parts - start)
                parallelFor(count) { body(start + $0) }
                start += count
            }
            return
        }
        submission.withLock { generation in
            withoutActuallyEscaping(body) { escapable in
                let job = Job(body: escapable)
                generation = (generation + 1) & Ticket.generationMask
                state.completed.store(0, ordering: .relaxed)
                state.job.store(UInt(bitPattern: Unmanaged.passUnretained(job).toOpaque()), ordering: .releasing)
                state.ticket.store(Ticket.make(generation: generation, parts: parts, next: 0), ordering: .sequentiallyConsistent)
                state.wakeSleepers()
                state.claimAndRun(generation: generation)
                // On a loaded machine a worker may be descheduled mid-part: spin briefly, then give up the core.
                var spins = 0
                while state.completed.load(ordering: .acquiring) < parts {
                    spins += 1
                    if spins < 4_000 { spinPause() } else { sched_yield() }
                }
                withExtendedLifetime(job) {}
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

    fileprivate final class Job {
        let body: (Int) -> Void
        init(body: @escaping (Int) -> Void) { self.body = body }
    }

    /// The job's generation, part count and next unclaimed part, packed in one word so that claiming a part
    /// and checking it belongs to the current job is one compare-and-swap.
    fileprivate enum Ticket {
        static let partBits = 20
        static let maximumParts = (1 << partBits) - 1
        static let generationUnit = 1 << (2 * partBits)
        static let generationMask = (1 << (63 - 2 * partBits)) - 1
        static func make(generation: Int, parts: Int, next: Int) -> Int {
            generation << (2 * partBits) | parts << partBits | next
        }
        static func generation(_ t: Int) -> Int { (t >> (2 * partBits)) & generationMask }
        static func parts(_ t: Int) -> Int { (t >> partBits) & maximumParts }
        static func next(_ t: Int) -> Int { t & maximumParts }
    }

    /// What the worker threads share with the pool; outlives the pool until every worker has exited.
    fileprivate final class State: @unchecked Sendable {
        let workers: [Worker]
        let ticket = Atomic<Int>(0)
        let completed = Atomic<Int>(0)
        /// The current ``Job``, unretained: dereferenced only after claiming one of its parts, which keeps
        /// the submitting thread waiting (and the job alive) until that part completes.
        let job = Atomic<UInt>(0)
        let shutdown = Atomic<Bool>(false)

        init(workers: Int) {
            self.workers = (0..<workers).map { Worker(index: $0 + 1) }
        }

        func wakeSleepers() {
            for worker in workers where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                worker.wake.signal()
            }
        }

        /// Claims and runs parts of job `generation` until none are left.
        func claimAndRun(generation: Int) {
            while true {
                var t = ticket.load(ordering: .acquiring)
                var claimed = -1
                while Ticket.generation(t) == generation, Ticket.next(t) < Ticket.parts(t) {
                    let (exchanged, original) = ticket.compareExchange(expected: t, desired: t + 1,
                                                                       ordering: .acquiringAndReleasing)
                    if exchanged { claimed = Ticket.next(t); break }
                    t = original
                }
                guard claimed >= 0, let pointer = UnsafeRawPointer(bitPattern: job.load(ordering: .acquiring)) else {
                    return
                }
                Unmanaged<Job>.fromOpaque(pointer).takeUnretainedValue().body(claimed)
                completed.add(1, ordering: .releasing)
            }
        }

        func workLoop(_ worker: Worker) {
            var seen = 0
            while true {
                var spins = 0
                while Ticket.generation(ticket.load(ordering: .acquiring)) == seen {
                    spins += 1
                    if spins < 20_000 { spinPause(); continue }
                    // Dekker-style hand-off with wakeSleepers: either we see the new job or it sees us asleep.
                    worker.sleeping.store(true, ordering: .sequentiallyConsistent)
                    if Ticket.generation(ticket.load(ordering: .sequentiallyConsistent)) != seen {
                        if !worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) { worker.wake.wait() }
                    } else {
                        worker.wake.wait()
                    }
                    spins = 0
                }
                if shutdown.load(ordering: .sequentiallyConsistent) { return }
                seen = Ticket.generation(ticket.load(ordering: .acquiring))
                claimAndRun(generation: seen)
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
