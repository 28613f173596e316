/// The shape the per-model summaries share: one model, one row per key, and an export contract whose first
/// column is `model` (README). A summary states its other columns and how a row fills them; the table and, unless
/// it says more, the notes (the run's details) follow.
public protocol ModelSummary: MeasuredResult {
    associatedtype Row: Sendable
    var rows: [Row] { get }
    /// How the numbers were made (subset, parse, method), printed under the table.
    var details: [String] { get }
    /// The export contract's columns after `model`.
    static var columns: [String] { get }
    /// A row's cells under ``columns``.
    static func cells(_ row: Row) -> [Cell]
}

extension ModelSummary {
    public func table() -> ResultTable {
        ResultTable(columns: ["model"] + Self.columns, rows: rows.map { [.text(model)] + Self.cells($0) })
    }

    public var notes: [String] { details }
}
