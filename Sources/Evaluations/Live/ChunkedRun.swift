import InferenceAPI

/// Runs work over items in chunks of the backend's preferred batch size, reports progress per item through
/// the caller's `RunControl`, and stops cleanly on Ctrl-C: a chunk interrupted by ``InferenceError/cancelled``
/// is dropped and everything finished before it is returned.
struct ChunkedRun<Item> {
    let items: [Item]
    let batchSize: Int
    let control: RunControl

    /// The control handed to the backend: the same cancellation, no progress of its own (progress is counted
    /// in items here).
    var backendControl: RunControl { RunControl(cancellation: control.cancellation) }

    /// Applies `work` to consecutive chunks; returns the outputs of the finished items (in order) and whether
    /// the run was interrupted.
    func run<Output>(_ work: ([Item]) throws -> [Output]) throws -> (outputs: [Output], interrupted: Bool) {
        var outputs: [Output] = []
        outputs.reserveCapacity(items.count)
        let size = max(1, batchSize)
        var start = 0
        control.progress?(0, items.count)
        while start < items.count {
            if control.cancellation.isCancelled { return (outputs, true) }
            let end = min(start + size, items.count)
            do {
                let produced = try work(Array(items[start..<end]))
                guard produced.count == end - start else {
                    throw InferenceError.backend("the backend returned \(produced.count) results for \(end - start) requests")
                }
                outputs += produced
            } catch InferenceError.cancelled {
                return (outputs, true)
            }
            start = end
            control.progress?(start, items.count)
        }
        return (outputs, false)
    }
}

extension Completion {
    init(finished: Int, of requested: Int) { self.init(finished: finished, requested: requested) }
}

/// Checks that a backend answered every request (a remote server can misbehave); a mismatch would misalign
/// results with items.
func requireCount<T>(_ results: [T], _ expected: Int, _ what: String) throws -> [T] {
    guard results.count == expected else {
        throw InferenceError.backend("the backend returned \(results.count) \(what) for \(expected) requests")
    }
    return results
}
