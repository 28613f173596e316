import Synchronization

/// A stop signal shared between the shell (which sets it on Ctrl-C) and whatever is running.
public final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public func reset() { flag.store(false, ordering: .relaxed) }

    /// Throws ``InferenceError/cancelled`` if the run was interrupted.
    public func check() throws {
        if isCancelled { throw InferenceError.cancelled }
    }
}

/// What a long call needs from its caller: a way to be stopped and a place to report progress.
public struct RunControl: Sendable {
    public var cancellation: Cancellation
    /// Called with (units done, units total) as work completes; units are the backend's (tokens, requests).
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(cancellation: Cancellation = Cancellation(), progress: (@Sendable (Int, Int) -> Void)? = nil) {
        self.cancellation = cancellation
        self.progress = progress
    }

    /// A control that is never cancelled and reports nothing.
    public static var none: RunControl { RunControl() }
}
