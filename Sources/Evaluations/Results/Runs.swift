import Datasets
import InferenceAPI

/// Positive or negative AskReddit question.
public typealias AskRedditSentiment = AskRedditQuestion.Sentiment

// The per-item outputs of a model on a task — what a live run produces and what `import` reads from the study's
// released files. The analyses (`opinions`, `dialects`, `qa`, `choice`, `rank`) summarise these.

/// A model's option distribution for GlobalOpinionsQA questions, with per-country similarities.
public struct OpinionRun: AnalysisResult, Equatable {
    public var model: String
    /// The method behind `probabilities`; the released files used ``ScoringMethod/meanNLL``.
    public var method: ScoringMethod
    /// The prompt template's name (``OpinionTemplate``).
    public var template: String
    public var questions: [OpinionAnswer]
    public var origin: RunOrigin
    public var completion: Completion
    /// Anything else a reader should know (skipped rows, prompt settings).
    public var details: [String] = []

    public init(model: String, method: ScoringMethod, template: String, questions: [OpinionAnswer], origin: RunOrigin,
                completion: Completion? = nil) {
        self.model = model
        self.method = method
        self.template = template
        self.questions = questions
        self.origin = origin
        self.completion = completion ?? Completion(finished: questions.count, requested: questions.count)
    }

    public var kind: ResultKind { .scores }
    public var title: String { "GlobalOpinionsQA option probabilities — \(model) (\(questions.count) questions, \(method.rawValue))" }

    public func table() -> ResultTable {
        ResultTable(columns: ["model", "question", "options", "choice", "probability", "countries"], rows: questions.map { answer in
            let best = answer.probabilities.indices.max { answer.probabilities[$0] < answer.probabilities[$1] } ?? 0
            return [.text(model), .text(answer.question), .integer(answer.options.count),
                    .text(OpinionTemplate.letter(best)), .number(answer.probabilities.isEmpty ? .nan : answer.probabilities[best], digits: 3),
                    .integer(answer.similarities.count)]
        })
    }

    public var notes: [String] {
        [origin.description, "template \(template); method \(method.rawValue)"] + details + [completion.note].compactMap { $0 }
    }

    public var chart: Chart? { nil }
}

/// One question's model distribution and its similarity to each country that answered it.
public struct OpinionAnswer: Sendable, Equatable {
    public var question: String
    public var options: [String]
    /// The model's probability of each option (renormalised over the options).
    public var probabilities: [Double]
    /// 1 − Jensen–Shannon distance to each country that answered; NaN where it is undefined (a country whose
    /// distribution is all zeros). Countries that were not asked are absent.
    public var similarities: [String: Double]

    public init(question: String, options: [String], probabilities: [Double], similarities: [String: Double]) {
        self.question = question
        self.options = options
        self.probabilities = probabilities
        self.similarities = similarities
    }
}

/// A model's guesses in MD3's word game: the generated guess and the scored candidates.
public struct DialectRun: AnalysisResult, Equatable {
    public var model: String
    public var items: [DialectOutcome]
    public var origin: RunOrigin
    public var completion: Completion
    /// Anything else a reader should know (skipped rows, prompt settings).
    public var details: [String] = []
    /// The dataset selection the run was cut down to (``restricted(to:selection:)``), which its analysis repeats.
    public var restriction: String?

    public init(model: String, items: [DialectOutcome], origin: RunOrigin, completion: Completion? = nil) {
        self.model = model
        self.items = items
        self.origin = origin
        self.completion = completion ?? Completion(finished: items.count, requested: items.count)
    }

    public var kind: ResultKind { .generations }
    public var title: String { "MD3 word game outputs — \(model) (\(items.count) games)" }

    public func table() -> ResultTable {
        ResultTable(columns: ["model", "dialect", "correct_word", "generation", "generated_correct", "chose_correct"],
                    rows: items.map { item in
            [.text(model), .text(item.dialect), .text(item.correctWord), item.generation.map(Cell.text) ?? .missing,
             item.generatedCorrect.map { .integer($0 ? 1 : 0) } ?? .missing,
             item.choseCorrect.map { .integer($0 ? 1 : 0) } ?? .missing]
        })
    }

    public var notes: [String] { [origin.description] + details + [restriction, completion.note].compactMap { $0 } }
    public var chart: Chart? { nil }
}

public struct DialectOutcome: Sendable, Equatable {
    public var dialect: String
    public var transcript: String
    public var correctWord: String
    public var distractors: [String]
    /// Greedy generation after `Secret Word:`, stripped; `nil` if the run did not generate.
    public var generation: String?
    /// Renormalised probability of the correct word among the six candidates; `nil` if not scored.
    public var correctProbability: Double?
    public var distractorProbabilities: [Double]?

    public init(dialect: String, transcript: String, correctWord: String, distractors: [String], generation: String?,
                correctProbability: Double?, distractorProbabilities: [Double]?) {
        self.dialect = dialect
        self.transcript = transcript
        self.correctWord = correctWord
        self.distractors = distractors
        self.generation = generation
        self.correctProbability = correctProbability
        self.distractorProbabilities = distractorProbabilities
    }

    /// Metric 1: the lower-cased correct word is in the lower-cased generation and no distractor is.
    public var generatedCorrect: Bool? {
        generation.map { DialectMetrics.generationIsCorrect($0, correct: correctWord, distractors: distractors) }
    }

    /// Metric 2: the correct word has the highest probability of the six candidates.
    public var choseCorrect: Bool? {
        guard let correctProbability, let distractorProbabilities else { return nil }
        return DialectMetrics.choiceIsCorrect(correct: correctProbability, distractors: distractorProbabilities)
    }
}

/// A model's TyDiQA generations, keyed by question id.
public struct QARun: AnalysisResult, Equatable {
    public var model: String
    public var items: [QAOutcome]
    public var origin: RunOrigin
    public var completion: Completion
    /// Anything else a reader should know (skipped rows, prompt settings).
    public var details: [String] = []

    public init(model: String, items: [QAOutcome], origin: RunOrigin, completion: Completion? = nil) {
        self.model = model
        self.items = items
        self.origin = origin
        self.completion = completion ?? Completion(finished: items.count, requested: items.count)
    }

    public var kind: ResultKind { .generations }
    public var title: String { "TyDiQA-GoldP generations — \(model) (\(items.count) questions)" }

    public func table() -> ResultTable {
        ResultTable(columns: ["model", "language", "id", "generation"], rows: items.map {
            [.text(model), .text($0.language), .text($0.id), .text($0.generation)]
        })
    }

    public var notes: [String] { [origin.description] + details + [completion.note].compactMap { $0 } }
    public var chart: Chart? { nil }
}

public struct QAOutcome: Sendable, Equatable {
    public var id: String
    public var language: String
    /// The raw generation (the metric cuts it at the first blank line and strips it).
    public var generation: String

    public init(id: String, language: String, generation: String) {
        self.id = id
        self.language = language
        self.generation = generation
    }
}

/// A model's multiple-choice answers (Belebele).
public struct ChoiceRun: AnalysisResult, Equatable {
    public var model: String
    public var method: ScoringMethod
    public var template: String
    public var items: [ChoiceOutcome]
    public var origin: RunOrigin
    public var completion: Completion
    /// Anything else a reader should know (skipped rows, prompt settings).
    public var details: [String] = []

    public init(model: String, method: ScoringMethod, template: String, items: [ChoiceOutcome], origin: RunOrigin,
                completion: Completion? = nil) {
        self.model = model
        self.method = method
        self.template = template
        self.items = items
        self.origin = origin
        self.completion = completion ?? Completion(finished: items.count, requested: items.count)
    }

    public var kind: ResultKind { .scores }
    public var title: String { "Belebele choices — \(model) (\(items.count) questions, \(method.rawValue))" }

    public func table() -> ResultTable {
        ResultTable(columns: ["model", "language", "question", "chosen", "correct"], rows: items.map {
            [.text(model), .text($0.language), .text($0.question), .integer($0.chosenIndex + 1), .integer($0.correctIndex + 1)]
        })
    }

    public var notes: [String] {
        [origin.description, "template \(template); method \(method.rawValue)"] + details + [completion.note].compactMap { $0 }
    }

    public var chart: Chart? { nil }
}

public struct ChoiceOutcome: Sendable, Equatable {
    public var language: String
    public var question: String
    public var probabilities: [Double]
    public var correctIndex: Int

    public init(language: String, question: String, probabilities: [Double], correctIndex: Int) {
        self.language = language
        self.question = question
        self.probabilities = probabilities
        self.correctIndex = correctIndex
    }

    /// argmax; ties go to the first candidate.
    public var chosenIndex: Int {
        var best = 0
        for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
        return best
    }
}

/// A model's score of every country as the answer to each AskReddit question: mean NLL of the country's
/// tokens (language models) or the reward of the whole answer (reward models).
public struct CountryPreferenceRun: AnalysisResult, Equatable {
    public enum Measure: String, Sendable, Equatable {
        /// Mean negative log-likelihood: lower means more favoured.
        case meanNLL = "mean-nll"
        /// Reward: higher means more favoured.
        case reward
    }

    public var model: String
    public var measure: Measure
    /// Column order of `scores`.
    public var countries: [String]
    public var questions: [CountryPreferenceQuestion]
    public var origin: RunOrigin
    public var completion: Completion
    /// Anything else a reader should know (skipped rows, prompt settings).
    public var details: [String] = []
    /// The dataset selection the run was cut down to (``restricted(to:selection:)``), which its analysis repeats.
    public var restriction: String?

    public init(model: String, measure: Measure, countries: [String], questions: [CountryPreferenceQuestion],
                origin: RunOrigin, completion: Completion? = nil) {
        self.model = model
        self.measure = measure
        self.countries = countries
        self.questions = questions
        self.origin = origin
        self.completion = completion ?? Completion(finished: questions.count, requested: questions.count)
    }

    public var kind: ResultKind { .scores }
    public var title: String {
        "AskReddit country \(measure == .reward ? "rewards" : "NLLs") — \(model) (\(questions.count) questions × \(countries.count) countries)"
    }

    public func table() -> ResultTable {
        ResultTable(columns: ["model", "question", "sentiment", "category"] + countries, rows: questions.map { question in
            [.text(model), .text(question.question), .text(question.sentiment.rawValue), .text(question.category)]
                + question.scores.map { .number($0, digits: 3) }
        })
    }

    public var notes: [String] {
        [origin.description, "measure \(measure.rawValue)"] + details + [restriction, completion.note].compactMap { $0 }
    }
    public var chart: Chart? { nil }
}

public struct CountryPreferenceQuestion: Sendable, Equatable {
    public var question: String
    public var sentiment: AskRedditSentiment
    public var category: String
    public var responseFormat: String
    /// The scored prompt as the run built it (with `{country}` where the country goes).
    public var prompt: String
    /// One score per country of the run's `countries`.
    public var scores: [Double]

    public init(question: String, sentiment: AskRedditSentiment, category: String, responseFormat: String,
                prompt: String, scores: [Double]) {
        self.question = question
        self.sentiment = sentiment
        self.category = category
        self.responseFormat = responseFormat
        self.prompt = prompt
        self.scores = scores
    }
}
