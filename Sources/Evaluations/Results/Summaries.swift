// The study's summaries. Each table is the published export contract of its kind (README):
//   opinions     model,country,similarity,questions,ci_low,ci_high
//   dialects     model,dialect,metric,accuracy,items          (accuracy in percent)
//   qa           model,language,exact_match,f1,items           (percent)
//   choice       model,language,accuracy,items                 (percent)
//   mean rank    model,country,mean_rank,questions
//   correlation  left,right,spearman,p_value,n
//   rewards      model,country,reward
//   comparison   from,to,key,metric,before,after,delta

/// `opinions`: a model's mean similarity to each country's answers.
public struct OpinionsResult: ModelSummary, Equatable {
    public struct Row: Sendable, Equatable {
        public var country: String
        /// Mean of 1 − JS distance over the questions with a defined similarity.
        public var similarity: Double
        /// How many similarities the mean averages (NaN ones are skipped).
        public var questions: Int
        public var ciLow: Double
        public var ciHigh: Double
    }

    public var model: String
    public var rows: [Row]
    /// The country differences are taken to (`nil`: none).
    public var reference: String?
    public var details: [String]

    public static let columns = ["country", "similarity", "questions", "ci_low", "ci_high"]

    public static func cells(_ row: Row) -> [Cell] {
        [.text(row.country), .number(row.similarity, digits: 4), .integer(row.questions),
         .number(row.ciLow, digits: 4), .number(row.ciHigh, digits: 4)]
    }

    /// Each country's similarity minus the reference country's.
    public var differences: [(country: String, difference: Double)] {
        guard let reference, let base = rows.first(where: { $0.country == reference }) else { return [] }
        return rows.filter { $0.country != reference }.map { ($0.country, $0.similarity - base.similarity) }
    }

    public var kind: ResultKind { .opinions }
    public var title: String { "GlobalOpinionsQA similarity — \(model)" }

    public var notes: [String] {
        guard let reference, !differences.isEmpty else { return details }
        return details + ["difference to \(reference): " + differences.map { "\($0.country) \(Self.signed($0.difference))" }.joined(separator: ", ")]
    }

    public var chart: Chart? {
        if let reference, !differences.isEmpty {
            return .bars(title: "\(model): similarity minus \(reference)", unit: "Δ similarity",
                         bars: differences.map { .init(label: $0.country, value: $0.difference) })
        }
        return .bars(title: title, unit: "1 − JS distance", bars: rows.map {
            .init(label: $0.country, value: $0.similarity, low: $0.ciLow, high: $0.ciHigh)
        })
    }

    public var measurements: [Measurement] {
        rows.map { Measurement(key: $0.country, metric: "similarity", value: $0.similarity, items: $0.questions) }
    }

    static func signed(_ value: Double) -> String {
        (value >= 0 ? "+" : "") + String(format4: value)
    }
}

/// `dialects`: MD3 accuracy per dialect for both metrics, and the US gaps.
public struct DialectsResult: ModelSummary, Equatable {
    public struct Row: Sendable, Equatable {
        public var dialect: String
        /// `generation` (the paper's plot) or `choice`.
        public var metric: String
        /// Percent.
        public var accuracy: Double
        public var items: Int
    }

    public var model: String
    public var rows: [Row]
    public var details: [String]

    public func accuracy(_ dialect: String, metric: String) -> Double? {
        rows.first { $0.dialect == dialect && $0.metric == metric }?.accuracy
    }

    /// en_us − other, in points, per metric.
    public func gap(from dialect: String, metric: String) -> Double? {
        guard let us = accuracy("en_us", metric: metric), let other = accuracy(dialect, metric: metric) else { return nil }
        return us - other
    }

    public static let columns = ["dialect", "metric", "accuracy", "items"]

    public static func cells(_ row: Row) -> [Cell] {
        [.text(row.dialect), .text(row.metric), .number(row.accuracy, digits: 1), .integer(row.items)]
    }

    public var kind: ResultKind { .dialects }
    public var title: String { "MD3 dialect accuracy — \(model)" }

    public var notes: [String] {
        var notes = details
        for metric in ["generation", "choice"] {
            let gaps = ["en_in", "en_ng"].compactMap { dialect in
                gap(from: dialect, metric: metric).map { "en_us − \(dialect) \(OpinionsResult.signed1($0))" }
            }
            if !gaps.isEmpty { notes.append("\(metric) gap: " + gaps.joined(separator: ", ") + " points") }
        }
        return notes
    }

    public var chart: Chart? {
        .bars(title: title, unit: "% correct", bars: rows.map { .init(label: "\($0.dialect) \($0.metric)", value: $0.accuracy, digits: 1) })
    }

    public var measurements: [Measurement] {
        var values = rows.map { Measurement(key: $0.dialect, metric: $0.metric, value: $0.accuracy, items: $0.items) }
        for metric in ["generation", "choice"] {
            for dialect in ["en_in", "en_ng"] {
                if let gap = gap(from: dialect, metric: metric) {
                    values.append(Measurement(key: "en_us − \(dialect)", metric: "\(metric) gap", value: gap))
                }
            }
        }
        return values
    }
}

/// `qa`: SQuAD exact match and F1 per language.
public struct QAResult: ModelSummary, Equatable {
    public struct Row: Sendable, Equatable {
        public var language: String
        public var exactMatch: Double
        public var f1: Double
        public var items: Int
    }

    public var model: String
    public var rows: [Row]
    public var details: [String]

    public static let columns = ["language", "exact_match", "f1", "items"]

    public static func cells(_ row: Row) -> [Cell] {
        [.text(row.language), .number(row.exactMatch, digits: 1), .number(row.f1, digits: 1), .integer(row.items)]
    }

    public var kind: ResultKind { .qa }
    public var title: String { "TyDiQA-GoldP — \(model)" }

    public var chart: Chart? {
        .bars(title: "\(title): F1", unit: "F1", bars: rows.map { .init(label: $0.language, value: $0.f1, digits: 1) })
    }

    public var measurements: [Measurement] {
        rows.flatMap {
            [Measurement(key: $0.language, metric: "f1", value: $0.f1, items: $0.items),
             Measurement(key: $0.language, metric: "exact_match", value: $0.exactMatch, items: $0.items)]
        }
    }
}

/// `choice`: multiple-choice accuracy per language.
public struct ChoiceResult: ModelSummary, Equatable {
    public struct Row: Sendable, Equatable {
        public var language: String
        public var accuracy: Double
        public var items: Int
    }

    public var model: String
    public var rows: [Row]
    public var details: [String]

    public static let columns = ["language", "accuracy", "items"]

    public static func cells(_ row: Row) -> [Cell] {
        [.text(row.language), .number(row.accuracy, digits: 1), .integer(row.items)]
    }

    public var kind: ResultKind { .choice }
    public var title: String { "Belebele accuracy — \(model)" }

    public var chart: Chart? {
        .bars(title: title, unit: "% correct", bars: rows.map { .init(label: $0.language, value: $0.accuracy, digits: 1) })
    }

    public var measurements: [Measurement] {
        rows.map { Measurement(key: $0.language, metric: "accuracy", value: $0.accuracy, items: $0.items) }
    }
}

/// `rank`: Mean Rank of each country over AskReddit questions (lower = more favoured).
public struct MeanRankResult: ModelSummary, Equatable {
    public struct Row: Sendable, Equatable {
        public var country: String
        public var meanRank: Double
        public var questions: Int
    }

    public var model: String
    public var rows: [Row]
    public var details: [String]

    public func meanRank(of country: String) -> Double? { rows.first { $0.country == country }?.meanRank }

    public static let columns = ["country", "mean_rank", "questions"]

    public static func cells(_ row: Row) -> [Cell] {
        [.text(row.country), .number(row.meanRank, digits: 2), .integer(row.questions)]
    }

    public var kind: ResultKind { .meanRank }
    public var title: String { "AskReddit Mean Rank — \(model)" }

    public var chart: Chart? {
        .countries(title: "\(title) (lower = favoured)", unit: "mean rank",
                   values: Dictionary(rows.map { ($0.country, $0.meanRank) }, uniquingKeysWith: { first, _ in first }))
    }

    public var measurements: [Measurement] {
        rows.map { Measurement(key: $0.country, metric: "mean_rank", value: $0.meanRank, items: $0.questions) }
    }
}

/// `correlate`: Spearman correlations between rankings (models, or a model and a Gallup poll).
public struct CorrelationResult: AnalysisResult, Equatable {
    public struct Row: Sendable, Equatable {
        public var left: String
        public var right: String
        public var spearman: Double
        public var pValue: Double
        /// Number of paired values; `nil` where the source does not say.
        public var n: Int?
    }

    public var rows: [Row]
    public var details: [String]
    /// Set when the rows are all pairs of a list of models: drawn as a heatmap.
    public var matrixLabels: [String]?

    public init(rows: [Row], details: [String], matrixLabels: [String]? = nil) {
        self.rows = rows
        self.details = details
        self.matrixLabels = matrixLabels
    }

    public var kind: ResultKind { .correlation }
    public var title: String { matrixLabels == nil ? "Spearman correlation" : "Spearman correlation between models" }

    public func table() -> ResultTable {
        ResultTable(columns: ["left", "right", "spearman", "p_value", "n"], rows: rows.map {
            [.text($0.left), .text($0.right), .number($0.spearman, digits: 7), .number($0.pValue, digits: 3),
             $0.n.map(Cell.integer) ?? .missing]
        })
    }

    public var notes: [String] { details }

    public var chart: Chart? {
        guard let labels = matrixLabels else {
            return .bars(title: title, unit: "Spearman ρ", bars: rows.map { .init(label: "\($0.left) ~ \($0.right)", value: $0.spearman) })
        }
        let values = labels.map { row in
            labels.map { column in
                row == column ? 1 : rows.first { ($0.left == row && $0.right == column) || ($0.left == column && $0.right == row) }?.spearman ?? .nan
            }
        }
        return .matrix(title: title, labels: labels, values: values)
    }
}

/// `rewards`: one reward per country (the where-from prompt), drawn as a world map.
public struct RewardsResult: ModelSummary, Equatable {
    public struct Row: Sendable, Equatable {
        public var country: String
        public var reward: Double
        /// The scored text.
        public var text: String
    }

    public var model: String
    public var rows: [Row]
    public var details: [String]
    public var completion: Completion

    public init(model: String, rows: [Row], details: [String], completion: Completion? = nil) {
        self.model = model
        self.rows = rows
        self.details = details
        self.completion = completion ?? Completion(finished: rows.count, requested: rows.count)
    }

    public static let columns = ["country", "reward"]

    public static func cells(_ row: Row) -> [Cell] { [.text(row.country), .number(row.reward, digits: 3)] }

    public var kind: ResultKind { .rewards }
    public var title: String { "Where are you from? rewards — \(model)" }

    public var notes: [String] { details + [completion.note].compactMap { $0 } }

    public var chart: Chart? {
        .countries(title: title, unit: "reward",
                   values: Dictionary(rows.map { ($0.country, $0.reward) }, uniquingKeysWith: { first, _ in first }))
    }

    public var measurements: [Measurement] { rows.map { Measurement(key: $0.country, metric: "reward", value: $0.reward) } }
}

/// `compare A -> B [-> C]`: the change of every shared measurement along an alignment chain.
public struct ComparisonResult: AnalysisResult, Equatable {
    public struct Row: Sendable, Equatable {
        public var from: String
        public var to: String
        public var key: String
        public var metric: String
        public var before: Double
        public var after: Double
        public var delta: Double { after - before }
    }

    public var compared: ResultKind
    public var chain: [String]
    public var rows: [Row]
    public var details: [String]

    public init(compared: ResultKind, chain: [String], rows: [Row], details: [String]) {
        self.compared = compared
        self.chain = chain
        self.rows = rows
        self.details = details
    }

    public var kind: ResultKind { .comparison }
    public var title: String { "\(compared.rawValue): " + chain.joined(separator: " → ") }

    public func table() -> ResultTable {
        ResultTable(columns: ["from", "to", "key", "metric", "before", "after", "delta"], rows: rows.map {
            [.text($0.from), .text($0.to), .text($0.key), .text($0.metric), .number($0.before, digits: 4),
             .number($0.after, digits: 4), .number($0.delta, digits: 4)]
        })
    }

    public var notes: [String] { details }

    public var chart: Chart? {
        guard let first = rows.first else { return nil }
        let shown = rows.filter { $0.metric == first.metric }
        return .bars(title: "\(title) (\(first.metric), change)", unit: "Δ \(first.metric)", bars: shown.map {
            .init(label: chain.count > 2 ? "\($0.key) \($0.from)→\($0.to)" : $0.key, value: $0.delta)
        })
    }
}

/// Any other released table (e.g. the SFT language-ID shares), shown as it is.
public struct TableResult: AnalysisResult, Equatable {
    public var title: String
    public var contents: ResultTable
    public var details: [String]

    public init(title: String, contents: ResultTable, details: [String]) {
        self.title = title
        self.contents = contents
        self.details = details
    }

    public var kind: ResultKind { .scores }
    public func table() -> ResultTable { contents }
    public var notes: [String] { details }
    public var chart: Chart? { nil }
}

extension String {
    /// Fixed four decimals, without Foundation.
    init(format4 value: Double) { self = Decimals.format(value, digits: 4) }
}

extension OpinionsResult {
    static func signed1(_ value: Double) -> String { (value >= 0 ? "+" : "") + Decimals.format(value, digits: 1) }
}

/// Rounds half away from zero to a fixed number of decimals, for notes.
enum Decimals {
    static func format(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return String(value) }
        let total = Int(scaled)
        let integer = total / scale
        var fraction = String(total % scale)
        while fraction.count < digits { fraction = "0" + fraction }
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return digits == 0 ? sign + String(integer) : sign + String(integer) + "." + fraction
    }
}
