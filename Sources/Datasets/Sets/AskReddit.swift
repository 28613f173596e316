/// One AskRedditCountries question: "Which country …?" with a response template naming a country.
public struct AskRedditQuestion: Sendable, Equatable {
    public enum Sentiment: String, Sendable, Equatable, CaseIterable {
        case positive, negative
    }

    public var searchQuery: String
    public var sentiment: Sentiment
    public var question: String
    /// The answer template with a `{country}` placeholder, e.g. `I think {country} has the most wasted potential.`
    public var responseFormat: String
    public var category: String
    public var origin: String

    public init(searchQuery: String, sentiment: Sentiment, question: String, responseFormat: String,
                category: String, origin: String) {
        self.searchQuery = searchQuery
        self.sentiment = sentiment
        self.question = question
        self.responseFormat = responseFormat
        self.category = category
        self.origin = origin
    }
}

/// Reader for AskRedditCountries (SALT-NLP, MIT): `Search Query, Sentiment, Questions, Response Format, Category`.
public enum AskReddit {
    public static func load(path: String, policy: MalformedRowPolicy = .fail) throws
        -> (questions: [AskRedditQuestion], skipped: SkippedRows) {
        let table = try CSVReader.read(path: path, policy: policy)
        let query = try table.column("Search Query")
        let sentiment = try table.column("Sentiment")
        let question = try table.column("Questions")
        let format = try table.column("Response Format")
        let category = try table.column("Category")
        var skipped = table.skipped
        var questions: [AskRedditQuestion] = []
        for record in table.records {
            guard let mood = AskRedditQuestion.Sentiment(rawValue: record.fields[sentiment]) else {
                try skipped.handle(DatasetError(file: path, line: record.line,
                    "Sentiment must be 'positive' or 'negative', found '\(record.fields[sentiment])'"), policy: policy)
                continue
            }
            guard record.fields[format].contains("{country}") else {
                try skipped.handle(DatasetError(file: path, line: record.line,
                    "Response Format has no {country} placeholder"), policy: policy)
                continue
            }
            questions.append(AskRedditQuestion(searchQuery: record.fields[query], sentiment: mood,
                                               question: record.fields[question], responseFormat: record.fields[format],
                                               category: record.fields[category], origin: "\(path):\(record.line)"))
        }
        return (questions, skipped)
    }
}
