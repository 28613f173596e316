/// Every command that computes something returns an `AnalysisResult`: a value the shell names (`$3`, `as zephyr`),
/// shows, compares, exports and plots. Results computed from released files (`import`) and from live runs are
/// the same types, so nothing downstream knows or cares where the numbers came from.
public protocol AnalysisResult: Sendable {
    /// What kind of analysis this is; picks the export contract and the default plot.
    var kind: ResultKind { get }
    /// A one-line human title, e.g. "GlobalOpinionsQA similarity — zephyr (245 questions, mean-nll)".
    var title: String { get }
    /// The rows `export … to F.csv` writes. Column names are a published contract per kind (README).
    func table() -> ResultTable
    /// Notes the terminal prints under the table: sample sizes, method, caveats (e.g. NaN similarities skipped).
    var notes: [String] { get }
    /// What `plot` draws by default.
    var chart: Chart? { get }
}

public enum ResultKind: String, Sendable, Codable, CaseIterable {
    case opinions, dialects, qa, choice, meanRank = "mean-rank", correlation, rewards, scores, generations, comparison
}

/// A rectangular table of typed cells; `Reports` renders it for the terminal and the export formats.
public struct ResultTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[Cell]]

    public init(columns: [String], rows: [[Cell]]) {
        self.columns = columns
        self.rows = rows
    }
}

public enum Cell: Sendable, Equatable {
    case text(String)
    case integer(Int)
    /// `digits` is how many decimals the terminal shows; exports write full precision.
    case number(Double, digits: Int)
    case missing
}

/// A figure a result knows how to draw.
public enum Chart: Sendable, Equatable {
    /// Horizontal bars, one per label, optionally with a confidence interval.
    case bars(title: String, unit: String, bars: [Bar])
    /// A value per country, drawn as a world choropleth; names are any the country table knows.
    case countries(title: String, unit: String, values: [String: Double])
    /// A labelled square matrix (e.g. Spearman between models), drawn as a heatmap.
    case matrix(title: String, labels: [String], values: [[Double]])

    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double
        public var low: Double?
        public var high: Double?
        /// Decimals to print, as the result's table prints the same number (percentages: 1); `nil` leaves it to
        /// the renderer.
        public var digits: Int?

        public init(label: String, value: Double, low: Double? = nil, high: Double? = nil, digits: Int? = nil) {
            self.label = label
            self.value = value
            self.low = low
            self.high = high
            self.digits = digits
        }
    }
}
