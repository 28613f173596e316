import TextFormats

/// One GlobalOpinionsQA question with the answer distribution of every country that was asked it.
public struct OpinionQuestion: Sendable, Equatable {
    public var question: String
    /// Each option as Python's `str()` renders it (numbers such as `1.0` included), in order.
    public var options: [String]
    /// `GAS` (Pew Global Attitudes) or `WVS` (World Values Survey); `nil` where the file does not say.
    public var source: String?
    /// Countries in the order the file lists them (alphabetical in the released CSV).
    public var countries: [CountryAnswers]
    /// Where the question came from (`file:line`), for messages.
    public var origin: String

    public init(question: String, options: [String], source: String?, countries: [CountryAnswers], origin: String) {
        self.question = question
        self.options = options
        self.source = source
        self.countries = countries
        self.origin = origin
    }

    /// The answers of the country with exactly this label.
    public func answers(of country: String) -> CountryAnswers? { countries.first { $0.country == country } }
}

/// A country's answer distribution over a question's options.
public struct CountryAnswers: Sendable, Equatable {
    /// The label as the dataset writes it ("Britain", "S. Korea", "Nigeria (Non-national sample)", …).
    public var country: String
    /// The distribution as written.
    public var distribution: [Double]
    /// The distribution as the study's released code parsed it (``GlobalOpinionsQA/SelectionsParse``):
    /// `nil` where that parser would have failed.
    public var releasedCodeParse: [Double]?

    public init(country: String, distribution: [Double], releasedCodeParse: [Double]?) {
        self.country = country
        self.distribution = distribution
        self.releasedCodeParse = releasedCodeParse
    }

    public func distribution(_ parse: GlobalOpinionsQA.SelectionsParse) -> [Double]? {
        parse == .correct ? distribution : releasedCodeParse
    }
}

/// Readers for Anthropic's GlobalOpinionsQA (CC-BY-NC-SA-4.0).
public enum GlobalOpinionsQA {
    /// How the `selections` column is read.
    public enum SelectionsParse: String, Sendable, CaseIterable {
        /// The numbers as written.
        case correct
        /// What the study's released code computed: it split the repr on `:` and `],`, so the closing bracket
        /// of every country's list but the dict's last was already gone when it dropped "the bracket" — it
        /// dropped the last character of the last number instead (0.03 → 0.0,
        /// 0.04040404040404041 → 0.0404040404040404). The published similarities are only reproduced with it.
        case releasedCodeQuirk = "released-quirk"
    }

    /// Reads the original CSV (`question`, `selections`, `options`, `source`).
    ///
    /// A row whose `selections` or `options` is not a valid Python literal, or whose distributions do not have
    /// one number per option, is malformed: an error naming file and line, or counted with `.skip`.
    public static func loadCSV(path: String, policy: MalformedRowPolicy = .fail) throws
        -> (questions: [OpinionQuestion], skipped: SkippedRows) {
        let table = try CSVReader.read(path: path, policy: policy)
        let questionColumn = try table.column("question")
        let selectionsColumn = try table.column("selections")
        let optionsColumn = try table.column("options")
        let sourceColumn = table.header.firstIndex(of: "source")
        var skipped = table.skipped
        var questions: [OpinionQuestion] = []
        for record in table.records {
            do {
                let options = try parseOptions(record.fields[optionsColumn])
                let countries = try parseSelections(record.fields[selectionsColumn], optionCount: options.count)
                questions.append(OpinionQuestion(
                    question: record.fields[questionColumn], options: options,
                    source: sourceColumn.map { record.fields[$0] }, countries: countries,
                    origin: "\(path):\(record.line)"))
            } catch let problem as RowProblem {
                try skipped.handle(DatasetError(file: path, line: record.line, problem.message), policy: policy)
            }
        }
        return (questions, skipped)
    }

    /// Reads the (question, country) → distribution pairs JSON (`[{country, question, options, distribution}]`,
    /// GlobalOpinionBench's `eval.json`) and groups it into questions in first-seen order.
    ///
    /// The file does not say which country closed the original dict, so ``SelectionsParse/releasedCodeQuirk``
    /// is applied to every pair (it is the right model for all but one country per question).
    public static func loadPairs(path: String, policy: MalformedRowPolicy = .fail) throws
        -> (questions: [OpinionQuestion], skipped: SkippedRows) {
        let root = JSONCursor(try FileBytes.json(path), file: path)
        var skipped = SkippedRows()
        var order: [String] = []
        var byQuestion: [String: OpinionQuestion] = [:]
        for pair in try root.items() {
            do {
                let question = try pair["question"].string()
                let country = try pair["country"].string()
                let options = try pair["options"].items().map(optionText)
                let numbers = try pair["distribution"].items()
                let distribution = try numbers.map { try $0.number() }
                guard distribution.count == options.count else {
                    throw pair.error("\(distribution.count) probabilities for \(options.count) options")
                }
                let quirk = try numbers.last.flatMap { try quirkTruncated($0.numberText()) }
                    .map { Array(distribution.dropLast()) + [$0] }
                let answers = CountryAnswers(country: country, distribution: distribution, releasedCodeParse: quirk)
                if byQuestion[question] == nil {
                    order.append(question)
                    byQuestion[question] = OpinionQuestion(question: question, options: options, source: nil,
                                                           countries: [], origin: "\(path):\(pair.path)")
                }
                guard byQuestion[question]?.options == options else {
                    throw pair.error("options differ from an earlier pair of the same question")
                }
                byQuestion[question]?.countries.append(answers)
            } catch let problem as DatasetError {
                try skipped.handle(problem, policy: policy)
            }
        }
        return (order.compactMap { byQuestion[$0] }, skipped)
    }

    struct RowProblem: Error { var message: String }

    /// An option as the study's prompt prints it: strings as they are, numbers as Python's `str()` does.
    static func optionText(_ option: JSONCursor) throws -> String {
        if let number = option.value.number {
            return number.isInteger ? number.text : PythonFloat.repr(number.double)
        }
        return try option.string()
    }

    /// `options`: a Python list repr; each item rendered with `str()` as the study's prompt does.
    static func parseOptions(_ text: String) throws -> [String] {
        let value: PythonValue
        do { value = try PythonLiteral.parse(text) } catch let error as PythonLiteral.SyntaxError {
            throw RowProblem(message: "options: \(error)")
        }
        guard case .list(let items) = value, !items.isEmpty else {
            throw RowProblem(message: "options: expected a non-empty Python list")
        }
        return items.map(\.pythonStr)
    }

    /// `selections`: `defaultdict(<class 'list'>, {'Country': [p1, …], …})`.
    static func parseSelections(_ text: String, optionCount: Int) throws -> [CountryAnswers] {
        let entries: [PythonDictEntry]
        do { entries = try PythonLiteral.parseDefaultDict(text) } catch let error as PythonLiteral.SyntaxError {
            throw RowProblem(message: "selections: \(error)")
        }
        var countries: [CountryAnswers] = []
        for (index, entry) in entries.enumerated() {
            guard case .string(let country) = entry.key else {
                throw RowProblem(message: "selections: keys must be country names")
            }
            guard case .list(let items) = entry.value else {
                throw RowProblem(message: "selections: '\(country)' must map to a list")
            }
            let numbers = items.compactMap(\.number)
            guard numbers.count == items.count else {
                throw RowProblem(message: "selections: '\(country)' has a non-numeric probability")
            }
            guard numbers.count == optionCount else {
                throw RowProblem(message: "selections: '\(country)' has \(numbers.count) probabilities for \(optionCount) options")
            }
            var quirk: [Double]? = numbers
            if index < entries.count - 1, let last = items.last?.numberText {
                quirk = quirkTruncated(last).map { Array(numbers.dropLast()) + [$0] }
            }
            countries.append(CountryAnswers(country: country, distribution: numbers, releasedCodeParse: quirk))
        }
        return countries
    }

    /// The released parser's reading of a list's last number: its text minus the final character, read with
    /// Python's `float()`; `nil` where `float()` would have raised.
    static func quirkTruncated(_ text: String) -> Double? {
        guard !text.isEmpty else { return nil }
        return PythonFloat.parse(String(text.dropLast()))
    }
}
