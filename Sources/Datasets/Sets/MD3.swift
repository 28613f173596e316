/// One won word-guessing game of MD3 (Eisenstein et al. 2023): the transcript up to the line that names the
/// secret word, the word, and its five "taboo" distractors.
public struct DialectItem: Sendable, Equatable {
    /// `en_in`, `en_ng` or `en_us`.
    public var dialect: String
    /// `SpeakerN: text` lines joined by `\n`, cut just before the first line containing the answer.
    public var transcript: String
    public var correctWord: String
    public var distractors: [String]
    /// The game's clip identifier where known (raw release).
    public var clip: String?
    public var origin: String

    public init(dialect: String, transcript: String, correctWord: String, distractors: [String], clip: String?,
                origin: String) {
        self.dialect = dialect
        self.transcript = transcript
        self.correctWord = correctWord
        self.distractors = distractors
        self.clip = clip
        self.origin = origin
    }
}

/// Readers for MD3's word game, processed or raw.
public enum MD3 {
    public static let dialects = ["en_in", "en_ng", "en_us"]

    /// Reads processed items: any CSV with `transcript`, `correct_answer`, `distractors` (a Python list repr)
    /// and `dialect` columns — the study's released outputs have them.
    public static func loadProcessed(path: String, policy: MalformedRowPolicy = .fail) throws
        -> (items: [DialectItem], skipped: SkippedRows) {
        let table = try CSVReader.read(path: path, policy: policy)
        let transcript = try table.column("transcript")
        let correct = try table.column("correct_answer")
        let distractors = try table.column("distractors")
        let dialect = try table.column("dialect")
        var skipped = table.skipped
        var items: [DialectItem] = []
        for record in table.records {
            do {
                let words = try parseWordList(record.fields[distractors])
                guard !record.fields[correct].isEmpty else { throw GlobalOpinionsQA.RowProblem(message: "empty correct_answer") }
                items.append(DialectItem(dialect: record.fields[dialect], transcript: record.fields[transcript],
                                         correctWord: record.fields[correct], distractors: words, clip: nil,
                                         origin: "\(path):\(record.line)"))
            } catch let problem as GlobalOpinionsQA.RowProblem {
                try skipped.handle(DatasetError(file: path, line: record.line, problem.message), policy: policy)
            }
        }
        return (items, skipped)
    }

    static func parseWordList(_ text: String) throws -> [String] {
        do {
            guard case .list(let items) = try PythonLiteral.parse(text) else {
                throw GlobalOpinionsQA.RowProblem(message: "distractors: expected a Python list")
            }
            return items.map(\.pythonStr)
        } catch let error as PythonLiteral.SyntaxError {
            throw GlobalOpinionsQA.RowProblem(message: "distractors: \(error)")
        }
    }
}
