import Synchronization

/// Jobs waiting for the engine: first-in first-out for each client, round-robin between clients, so one
/// client's thousand-prompt batch cannot starve another client's single request.
struct FairQueue<Job> {
    private var waiting: [String: [Job]] = [:]
    /// Clients with waiting jobs, in turn order; `turn` is whose job goes next.
    private var ring: [String] = []
    private var turn = 0
    private(set) var count = 0

    mutating func append(_ job: Job, client: String) {
        if waiting[client, default: []].isEmpty { ring.append(client) }
        waiting[client, default: []].append(job)
        count += 1
    }

    mutating func next() -> Job? {
        guard !ring.isEmpty else { return nil }
        if turn >= ring.count { turn = 0 }
        let client = ring[turn]
        guard var jobs = waiting[client], !jobs.isEmpty else {
            ring.remove(at: turn)
            return next()
        }
        let job = jobs.removeFirst()
        count -= 1
        if jobs.isEmpty {
            waiting[client] = nil
            ring.remove(at: turn)  // the next client moves into this slot
        } else {
            waiting[client] = jobs
            turn += 1
        }
        return job
    }

    mutating func removeAll() -> [Job] {
        let all = ring.flatMap { waiting[$0] ?? [] }
        waiting.removeAll()
        ring.removeAll()
        count = 0
        return all
    }
}
