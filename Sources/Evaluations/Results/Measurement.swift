/// One number of a result with what it measures: the common view `compare` uses to line results up.
public struct Measurement: Sendable, Equatable {
    /// What the number is about: a country, dialect, language, or a country pair.
    public var key: String
    /// Which number it is (`similarity`, `generation`, `f1`, `mean_rank`, …).
    public var metric: String
    public var value: Double
    /// How many items it summarises, where that applies.
    public var items: Int?

    public init(key: String, metric: String, value: Double, items: Int? = nil) {
        self.key = key
        self.metric = metric
        self.value = value
        self.items = items
    }
}

/// A result that summarises one model with named numbers, and so can be compared along an alignment chain.
public protocol MeasuredResult: AnalysisResult {
    /// The model the numbers describe.
    var model: String { get }
    var measurements: [Measurement] { get }
}

/// Where a run's numbers came from, kept for the notes.
public enum RunOrigin: Sendable, Equatable, CustomStringConvertible {
    /// Read from a released output file.
    case imported(path: String)
    /// Computed live by a model on a dataset selection.
    case live(dataset: String)

    public var description: String {
        switch self {
        case .imported(let path): "imported from \(path)"
        case .live(let dataset): "computed live on \(dataset)"
        }
    }
}

/// Shared notes of runs that may have been interrupted.
public struct Completion: Sendable, Equatable {
    /// Items finished out of the items asked for; equal when the run completed.
    public var finished: Int
    public var requested: Int

    public init(finished: Int, requested: Int) {
        self.finished = finished
        self.requested = requested
    }

    public var isPartial: Bool { finished < requested }

    public var note: String? {
        isPartial ? "PARTIAL: interrupted after \(finished) of \(requested) items; numbers cover the finished items only" : nil
    }
}
