import InferenceAPI

/// Maps `items` with at most `limit` calls of `body` in flight, keeping order.
///
/// When `cancellation` is set, no new call starts; the calls in flight are let finish (their results are kept
/// by whatever `body` records) and the map throws ``InferenceError/cancelled`` if anything was left undone.
/// The first failure stops new calls, lets the others in flight finish, and is rethrown.
func boundedMap<Item: Sendable, Result: Sendable>(
    _ items: [Item], limit: Int, cancellation: Cancellation, progress: (@Sendable (Int, Int) -> Void)?,
    _ body: @escaping @Sendable (Item) async throws -> Result
) async throws -> [Result] {
    var results = [Result?](repeating: nil, count: items.count)
    var firstError: (any Error)?
    try await withThrowingTaskGroup(of: (Int, Swift.Result<Result, any Error>).self) { group in
        var next = 0
        var done = 0
        func launch() {
            guard next < items.count, firstError == nil, !cancellation.isCancelled else { return }
            let index = next
            let item = items[index]
            next += 1
            group.addTask {
                do { return (index, .success(try await body(item))) } catch { return (index, .failure(error)) }
            }
        }
        for _ in 0 ..< max(1, limit) { launch() }
        while let (index, outcome) = try await group.next() {
            switch outcome {
            case .success(let value):
                results[index] = value
                done += 1
                progress?(done, items.count)
            case .failure(let error):
                if firstError == nil || firstError as? InferenceError == .cancelled { firstError = error }
            }
            launch()
        }
    }
    if let firstError { throw firstError }
    guard results.allSatisfy({ $0 != nil }) else { throw InferenceError.cancelled }
    return results.compactMap { $0 }
}
