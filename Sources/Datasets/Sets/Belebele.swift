/// One Belebele question: a FLORES passage, a question, four answers, one correct.
public struct ReadingItem: Sendable, Equatable {
    /// FLORES-200 code, e.g. `eng_Latn`.
    public var language: String
    public var link: String
    /// 1 or 2 (each passage has up to two questions); `nil` where the layout does not keep it.
    public var questionNumber: Int?
    public var passage: String
    public var question: String
    /// `mc_answer1` … `mc_answer4`.
    public var answers: [String]
    /// 0-based index of the correct answer (`correct_answer_num` − 1).
    public var correctIndex: Int
    public var origin: String

    public init(language: String, link: String, questionNumber: Int?, passage: String, question: String,
                answers: [String], correctIndex: Int, origin: String) {
        self.language = language
        self.link = link
        self.questionNumber = questionNumber
        self.passage = passage
        self.question = question
        self.answers = answers
        self.correctIndex = correctIndex
        self.origin = origin
    }
}

/// Readers for Belebele (CC-BY-SA-4.0): the original jsonl and a converted layout.
public enum Belebele {
    /// Reads either layout, told apart by the first record's fields:
    /// - original: `{link, question_number, flores_passage, question, mc_answer1..4, correct_answer_num, dialect}`
    /// - converted: one passage per line, `{text, items: [{question, answers: [{text, correct}]}], metadata}`
    ///   (metadata.extra.language / .url give the language and link; `language` fills in when absent).
    public static func load(path: String, language fallbackLanguage: String? = nil,
                            policy: MalformedRowPolicy = .fail) throws -> (items: [ReadingItem], skipped: SkippedRows) {
        let text = try FileBytes.string(path)
        var items: [ReadingItem] = []
        var skipped = SkippedRows()
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\r" || $0 == "\t" }) { continue }
            do {
                let record = JSONCursor(try parseJSON(Array(line.utf8), file: path, firstLine: lineNumber), file: path)
                let origin = "\(path):\(lineNumber)"
                if try record.optional("flores_passage") != nil {
                    items.append(try original(record, origin: origin))
                } else {
                    items += try converted(record, fallbackLanguage: fallbackLanguage, origin: origin)
                }
            } catch let problem as DatasetError {
                var located = problem
                located.line = lineNumber
                try skipped.handle(located, policy: policy)
            }
        }
        return (items, skipped)
    }

    static func original(_ record: JSONCursor, origin: String) throws -> ReadingItem {
        let answers = try (1...4).map { try record["mc_answer\($0)"].string() }
        let correctText = try record["correct_answer_num"]
        let correct: Int? = if let value = correctText.value.number?.double { Int(exactly: value) }
                            else { Int(try correctText.string()) }
        guard let correct, (1...4).contains(correct) else {
            throw correctText.error("correct_answer_num must be 1–4")
        }
        let number = try record.optional("question_number")
        var questionNumber: Int?
        if let number {
            if let value = number.value.number?.double { questionNumber = Int(exactly: value) }
            else { questionNumber = Int(try number.string()) }
        }
        return ReadingItem(language: try record["dialect"].string(), link: try record["link"].string(),
                           questionNumber: questionNumber, passage: try record["flores_passage"].string(),
                           question: try record["question"].string(), answers: answers,
                           correctIndex: correct - 1, origin: origin)
    }

    static func converted(_ record: JSONCursor, fallbackLanguage: String?, origin: String) throws -> [ReadingItem] {
        let passage = try record["text"].string()
        let extra = try record.optional("metadata")?.optional("extra")
        let language = try extra?.optional("language")?.string() ?? fallbackLanguage
        guard let language else { throw record.error("no metadata.extra.language and no language given") }
        let link = try extra?.optional("url")?.string() ?? ""
        return try record["items"].items().enumerated().map { index, item in
            let answers = try item["answers"].items()
            guard answers.count == 4 else { throw item.error("expected 4 answers, found \(answers.count)") }
            let correct = try answers.map { try $0["correct"].bool() }
            guard correct.filter({ $0 }).count == 1, let correctIndex = correct.firstIndex(of: true) else {
                throw item.error("expected exactly one correct answer")
            }
            return ReadingItem(language: language, link: link, questionNumber: index + 1, passage: passage,
                               question: try item["question"].string(), answers: try answers.map { try $0["text"].string() },
                               correctIndex: correctIndex, origin: origin)
        }
    }
}
