import Foundation
import InferenceAPI

/// The one algorithm behind every cached call: answer what the cache has, compute the rest in chunks the
/// backend likes, and store each chunk the moment it is back — so an interrupted or crashed run keeps every
/// finished chunk, and the rerun asks the backend only for what is still missing.
struct CachedBatch<Input, Output: Codable> {
    let cache: ResultCache
    let model: ModelIdentity
    let kind: ResultKind
    let chunkSize: Int

    /// - Parameters:
    ///   - keys: one key per input; equal keys are computed once.
    ///   - compute: the backend call for a chunk of distinct missing inputs, with the chunk's positions in
    ///     `inputs` (the first occurrence of each key) and a control whose progress is scaled to the whole batch.
    ///   - onHit: called for each input answered from the cache (e.g. to stream a cached generation).
    func run(_ inputs: [Input], keys: [CacheKey], control: RunControl,
             onHit: (Int, Output) -> Void = { _, _ in },
             compute: ([Input], [Int], RunControl) throws -> [Output]) throws -> [Output?] {
        precondition(inputs.count == keys.count, "one key per input")  // programmer error, not input-derived
        var results = [Output?](repeating: nil, count: inputs.count)
        let stored = try cache.lookup(model: model, kind: kind, keys: keys)
        for (index, data) in stored.enumerated() {
            guard let data else { continue }
            do {
                let output = try CacheCodec.decode(Output.self, from: data)
                results[index] = output
                onHit(index, output)
            } catch {
                throw ResultCacheError.undecodable(path: cache.path, kind: kind.rawValue, input: keys[index].input,
                                                   reason: "\(error)")
            }
        }

        // Distinct missing keys, in first-seen order; duplicates are filled from their first occurrence.
        var firstIndex: [CacheKey: Int] = [:]
        var missing: [Int] = []
        for index in inputs.indices where results[index] == nil {
            if firstIndex[keys[index]] == nil {
                firstIndex[keys[index]] = index
                missing.append(index)
            }
        }
        let total = inputs.count
        let answered = total - missing.count
        control.progress?(answered, total)

        var done = 0
        var start = 0
        while start < missing.count {
            try control.cancellation.check()
            let chunk = Array(missing[start ..< min(start + max(1, chunkSize), missing.count)])
            let base = answered + done
            let chunkControl = RunControl(cancellation: control.cancellation, progress: control.progress.map { report in
                { @Sendable innerDone, innerTotal in
                    guard innerTotal > 0 else { return }
                    report(base + chunk.count * min(innerDone, innerTotal) / innerTotal, total)
                }
            })
            let outputs = try compute(chunk.map { inputs[$0] }, chunk, chunkControl)
            guard outputs.count == chunk.count else {
                throw InferenceError.backend("\(model.name) returned \(outputs.count) results for \(chunk.count) inputs")
            }
            var entries: [(key: CacheKey, output: Data)] = []
            entries.reserveCapacity(chunk.count)
            for (index, output) in zip(chunk, outputs) {
                results[index] = output
                entries.append((keys[index], try CacheCodec.encode(output)))
            }
            try cache.store(model: model, kind: kind, entries: entries)
            done += chunk.count
            start += chunk.count
            control.progress?(answered + done, total)
        }

        for index in inputs.indices where results[index] == nil {
            if let first = firstIndex[keys[index]] { results[index] = results[first] }
        }
        return results
    }
}

extension Array {
    /// Unwraps a fully answered batch; a hole means a bug in the batch logic, reported rather than crashed on.
    func complete<T>(_ what: String) throws -> [T] where Element == T? {
        try map { element in
            guard let element else { throw InferenceError.backend("results cache: \(what) left an input unanswered") }
            return element
        }
    }
}
