/// When a failed request is worth sending again, and how long to wait first.
struct RetryPolicy: Sendable {
    var retries: Int
    var backoff: Double
    var maxBackoff: Double

    /// Statuses a serving engine uses for "not now": overload (429, 503), a restarting worker (502, 504),
    /// a request that timed out in its queue (408) — and any other 5xx, which vLLM returns for engine hiccups.
    static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || (500 ... 599).contains(status)
    }

    /// Exponential backoff with "equal jitter": half the delay is fixed, half random, so that a burst of
    /// clients rejected together does not return together. A server's `Retry-After` (seconds) wins if longer.
    func delay(afterAttempt attempt: Int, retryAfter: Double?,
               random: () -> Double = { Double.random(in: 0 ..< 1) }) -> Double {
        let exponential = min(maxBackoff, backoff * Double(1 << min(attempt, 20)))
        let jittered = exponential / 2 + exponential / 2 * random()
        guard let retryAfter, retryAfter > 0 else { return jittered }
        return min(maxBackoff, max(jittered, retryAfter))
    }
}
