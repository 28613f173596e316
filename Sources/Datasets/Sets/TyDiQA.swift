/// One TyDiQA-GoldP question: a passage, a question about it, and the gold answer spans.
public struct QAItem: Sendable, Equatable {
    /// The dataset's id, e.g. `english--3215621880858840488-2`; its prefix names the language.
    public var id: String
    /// Lower-case English language name (`english`, `telugu`, …).
    public var language: String
    public var title: String
    public var context: String
    public var question: String
    /// Gold answer texts in order (the first is what a 1-shot example shows).
    public var answers: [String]

    public init(id: String, language: String, title: String, context: String, question: String, answers: [String]) {
        self.id = id
        self.language = language
        self.title = title
        self.context = context
        self.question = question
        self.answers = answers
    }
}

/// Reader for TyDiQA-GoldP in SQuAD 1.1 JSON (Apache-2.0).
public enum TyDiQA {
    /// The nine languages of the GoldP task, with the two-letter codes the study's tables use.
    public static let languages: [(name: String, code: String)] = [
        ("arabic", "ar"), ("bengali", "bn"), ("english", "en"), ("finnish", "fi"), ("indonesian", "id"),
        ("korean", "ko"), ("russian", "ru"), ("swahili", "sw"), ("telugu", "te"),
    ]

    /// The language name for a name or code (`te` → `telugu`), `nil` if unknown.
    public static func language(named text: String) -> String? {
        let lowered = text.lowercased()
        return languages.first { $0.name == lowered || $0.code == lowered }?.name
    }

    public static func code(of language: String) -> String {
        languages.first { $0.name == language }?.code ?? language
    }

    /// Reads one SQuAD-format file. An item without answers or with an id that does not start with a language
    /// name is malformed (error, or counted with `.skip`).
    public static func load(path: String, policy: MalformedRowPolicy = .fail) throws
        -> (items: [QAItem], skipped: SkippedRows) {
        let root = JSONCursor(try FileBytes.json(path), file: path)
        var items: [QAItem] = []
        var skipped = SkippedRows()
        for article in try root["data"].items() {
            let title = try article.optional("title")?.string() ?? ""
            for paragraph in try article["paragraphs"].items() {
                let context = try paragraph["context"].string()
                for qa in try paragraph["qas"].items() {
                    do {
                        let id = try qa["id"].string()
                        let answers = try qa["answers"].items().map { try $0["text"].string() }
                        guard !answers.isEmpty else { throw qa.error("no gold answers") }
                        guard let prefix = id.split(separator: "-").first, let language = language(named: String(prefix))
                        else { throw qa.error("id '\(id)' does not start with a TyDiQA language") }
                        items.append(QAItem(id: id, language: language, title: title, context: context,
                                            question: try qa["question"].string(), answers: answers))
                    } catch let problem as DatasetError {
                        try skipped.handle(problem, policy: policy)
                    }
                }
            }
        }
        return (items, skipped)
    }

    /// Reads a file, or every `*.json` file of a directory (in name order).
    public static func load(fileOrDirectory path: String, policy: MalformedRowPolicy = .fail) throws
        -> (items: [QAItem], skipped: SkippedRows) {
        guard FileBytes.isDirectory(path) else { return try load(path: path, policy: policy) }
        var items: [QAItem] = []
        var skipped = SkippedRows()
        let files = try FileBytes.list(path).filter { $0.hasSuffix(".json") }
        guard !files.isEmpty else { throw DatasetError(file: path, "no .json files in this directory") }
        for file in files {
            let loaded = try load(path: path + "/" + file, policy: policy)
            items += loaded.items
            skipped.merge(loaded.skipped)
        }
        return (items, skipped)
    }
}
