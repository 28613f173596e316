import Datasets
import InferenceAPI
import TextFormats

/// The study's tasks run live on a model through ``InferenceAPI``. Each returns the same run type `import`
/// produces, so every analysis works on it unchanged. Work goes to the model in chunks of its
/// `preferredBatchSize`; progress is reported in items through `control.progress`; Ctrl-C
/// (``InferenceError/cancelled``) returns everything finished, marked partial.
public enum LiveRun {
    // MARK: GlobalOpinionsQA

    public struct OpinionOptions: Sendable {
        public var template: OpinionTemplate
        public var method: ScoringMethod
        /// How the countries' `selections` are read for the similarities (correct by default).
        public var parse: GlobalOpinionsQA.SelectionsParse
        /// How the dataset was selected, for the notes (`goqa[0:50]`).
        public var selection: String

        public init(template: OpinionTemplate = .study, method: ScoringMethod = .meanNLL,
                    parse: GlobalOpinionsQA.SelectionsParse = .correct, selection: String = "goqa") {
            self.template = template
            self.method = method
            self.parse = parse
            self.selection = selection
        }
    }

    /// Scores each question's options (`A)`, `B)`, …) after the template and compares the distribution with
    /// every country's answers (1 − JS distance).
    public static func opinions(model: any LanguageModel, on questions: [OpinionQuestion],
                                options: OpinionOptions = OpinionOptions(), control: RunControl = .none) throws -> OpinionRun {
        let requests = try questions.map { question in
            ScoringRequest(prompt: try options.template.render(question: question.question, options: question.options),
                           candidates: options.template.candidates(count: question.options.count))
        }
        let chunked = ChunkedRun(items: Array(zip(questions, requests)), batchSize: model.preferredBatchSize, control: control)
        let (answers, _) = try chunked.run { chunk in
            let scores = try requireCount(model.score(chunk.map(\.1), method: options.method, control: chunked.backendControl),
                                          chunk.count, "score lists")
            return try zip(chunk, scores).map { pair, candidates in
                let (question, request) = pair
                _ = try requireCount(candidates, request.candidates.count, "candidate scores")
                let probabilities = candidates.map(\.probability)
                var similarities: [String: Double] = [:]
                for country in question.countries {
                    guard let distribution = country.distribution(options.parse) else { continue }
                    similarities[country.country] = OpinionSimilarity.similarity(probabilities, distribution)
                }
                return OpinionAnswer(question: question.question, options: question.options,
                                     probabilities: probabilities, similarities: similarities)
            }
        }
        var run = OpinionRun(model: model.identity.name, method: options.method, template: options.template.name,
                             questions: answers, origin: .live(dataset: options.selection),
                             completion: Completion(finished: answers.count, of: questions.count))
        run.details = ["parse \(options.parse.rawValue)"]
        return run
    }

    // MARK: MD3

    public struct DialectOptions: Sendable {
        public var task: DialectTask
        /// Metric 1: greedy generation.
        public var generate: Bool
        /// Metric 2: scoring the six candidate words.
        public var score: Bool
        public var method: ScoringMethod
        public var selection: String

        public init(task: DialectTask = .study, generate: Bool = true, score: Bool = true,
                    method: ScoringMethod = .meanNLL, selection: String = "md3") {
            self.task = task
            self.generate = generate
            self.score = score
            self.method = method
            self.selection = selection
        }
    }

    /// Plays MD3's word game: a greedy 10-token guess (stripped) and/or the six candidates scored after
    /// `Secret Word:`.
    public static func dialects(model: any LanguageModel, on items: [DialectItem],
                                options: DialectOptions = DialectOptions(), control: RunControl = .none) throws -> DialectRun {
        let prompts = try items.map { try options.task.render(transcript: $0.transcript) }
        let chunked = ChunkedRun(items: Array(zip(items, prompts)), batchSize: model.preferredBatchSize, control: control)
        let (outcomes, _) = try chunked.run { chunk in
            var probabilities: [[Double]?] = Array(repeating: nil, count: chunk.count)
            if options.score {
                let requests = chunk.map { item, prompt in
                    ScoringRequest(prompt: prompt, candidates: options.task.candidates(correct: item.correctWord,
                                                                                        distractors: item.distractors))
                }
                probabilities = try requireCount(model.score(requests, method: options.method, control: chunked.backendControl),
                                                 chunk.count, "score lists")
                    .enumerated().map { index, scores in
                        try requireCount(scores, requests[index].candidates.count, "candidate scores").map(\.probability)
                    }
            }
            var generations: [String?] = Array(repeating: nil, count: chunk.count)
            if options.generate {
                generations = try requireCount(model.generate(chunk.map(\.1), options: .greedy(maxTokens: options.task.maxNewTokens),
                                                              control: chunked.backendControl, onToken: nil), chunk.count, "generations")
                    .map { PythonText.strip($0.text) }
            }
            return chunk.enumerated().map { index, pair in
                let item = pair.0
                return DialectOutcome(dialect: item.dialect, transcript: item.transcript, correctWord: item.correctWord,
                                      distractors: item.distractors, generation: generations[index],
                                      correctProbability: probabilities[index]?.first,
                                      distractorProbabilities: probabilities[index].map { Array($0.dropFirst()) })
            }
        }
        var run = DialectRun(model: model.identity.name, items: outcomes, origin: .live(dataset: options.selection),
                             completion: Completion(finished: outcomes.count, of: items.count))
        run.details = ["generation greedy \(options.task.maxNewTokens) tokens; candidates scored with \(options.method.rawValue)"]
        return run
    }

    // MARK: TyDiQA

    public struct QAOptions: Sendable {
        public var task: QATask
        /// Where the 1-shot example is drawn from; `nil` draws from the questions' own language in the
        /// dataset given (never the question itself). The study drew from TyDiQA's train split.
        public var shotPool: [QAItem]?
        public var seed: UInt64
        public var selection: String

        public init(task: QATask = .study, shotPool: [QAItem]? = nil, seed: UInt64 = 221, selection: String = "tydiqa") {
            self.task = task
            self.shotPool = shotPool
            self.seed = seed
            self.selection = selection
        }
    }

    /// The 1-shot prompts in order: for each question, one example of the same language drawn with Python's
    /// `random` seeded once (as `random.sample(pool, 1)`), the question itself excluded from its pool.
    public static func qaPrompts(for items: [QAItem], pool: [QAItem], task: QATask = .study,
                                 seed: UInt64 = 221) throws -> [String] {
        var random = PythonRandom(seed: seed)
        let byLanguage = Dictionary(grouping: pool, by: \.language)
        return try items.map { item in
            let candidates = (byLanguage[item.language] ?? []).filter { $0.id != item.id }
            let shots = random.choice(candidates).map { [(context: $0.context, question: $0.question, answer: $0.answers.first ?? "")] } ?? []
            return try task.render(context: item.context, question: item.question, shots: shots)
        }
    }

    /// Generates greedy 1-shot answers (50 tokens, stopped at the first blank line — the metric cuts there).
    public static func qa(model: any LanguageModel, on items: [QAItem], pool: [QAItem],
                          options: QAOptions = QAOptions(), control: RunControl = .none) throws -> QARun {
        let prompts = try qaPrompts(for: items, pool: options.shotPool ?? pool, task: options.task, seed: options.seed)
        let generation = GenerationOptions(maxTokens: options.task.maxNewTokens, stop: ["\n\n"])
        let chunked = ChunkedRun(items: Array(zip(items, prompts)), batchSize: model.preferredBatchSize, control: control)
        let (outcomes, _) = try chunked.run { chunk in
            let texts = try model.generate(chunk.map(\.1), options: generation, control: chunked.backendControl, onToken: nil)
            return zip(chunk, texts).map { QAOutcome(id: $0.0.id, language: $0.0.language, generation: $1.text) }
        }
        var run = QARun(model: model.identity.name, items: outcomes, origin: .live(dataset: options.selection),
                        completion: Completion(finished: outcomes.count, of: items.count))
        run.details = [
            "1-shot, example drawn per question from the same language with Python random seeded \(options.seed)"
                + (options.shotPool == nil ? " from the selected dataset (question excluded)" : " from the given pool"),
            "greedy, \(options.task.maxNewTokens) tokens, stopped at the first blank line",
        ]
        return run
    }

    // MARK: Belebele

    public struct ChoiceOptions: Sendable {
        public var template: ReadingTemplate
        public var method: ScoringMethod
        public var selection: String

        public init(template: ReadingTemplate = .paper, method: ScoringMethod = .meanNLL, selection: String = "belebele") {
            self.template = template
            self.method = method
            self.selection = selection
        }
    }

    public static func choice(model: any LanguageModel, on items: [ReadingItem], options: ChoiceOptions = ChoiceOptions(),
                              control: RunControl = .none) throws -> ChoiceRun {
        let requests = try items.map {
            ScoringRequest(prompt: try options.template.render(passage: $0.passage, question: $0.question, answers: $0.answers),
                           candidates: options.template.candidates)
        }
        let chunked = ChunkedRun(items: Array(zip(items, requests)), batchSize: model.preferredBatchSize, control: control)
        let (outcomes, _) = try chunked.run { chunk in
            let scores = try requireCount(model.score(chunk.map(\.1), method: options.method, control: chunked.backendControl),
                                          chunk.count, "score lists")
            return try zip(chunk, scores).map { pair, candidates in
                _ = try requireCount(candidates, 4, "candidate scores")
                return ChoiceOutcome(language: pair.0.language, question: pair.0.question,
                              probabilities: candidates.map(\.probability), correctIndex: pair.0.correctIndex)
            }
        }
        return ChoiceRun(model: model.identity.name, method: options.method, template: options.template.name,
                         items: outcomes, origin: .live(dataset: options.selection),
                         completion: Completion(finished: outcomes.count, of: items.count))
    }

    // MARK: Reward model and AskReddit

    /// "Where are you from?" — one reward per country.
    public static func whereFrom(model: any RewardModel, countries: [String], control: RunControl = .none) throws -> RewardsResult {
        let texts = try countries.map(CountryPrompts.whereFromText)
        let chunked = ChunkedRun(items: Array(zip(countries, texts)), batchSize: model.preferredBatchSize, control: control)
        let (rows, _) = try chunked.run { chunk in
            let rewards = try model.rewards(for: chunk.map(\.1), control: chunked.backendControl)
            return zip(chunk, rewards).map { RewardsResult.Row(country: $0.0, reward: $1, text: $0.1) }
        }
        return RewardsResult(model: model.identity.name, rows: rows,
                             details: ["computed live: \(CountryPrompts.whereFrom.text) (with \"the\" where English needs it)"],
                             completion: Completion(finished: rows.count, of: countries.count))
    }

    /// Every country as the answer to each AskReddit question, rated by a reward model.
    public static func askRedditRewards(model: any RewardModel, on questions: [AskRedditQuestion], countries: [String],
                                        control: RunControl = .none) throws -> CountryPreferenceRun {
        // Progress and cancellation are per question; the texts of one question go to the model in chunks.
        let chunked = ChunkedRun(items: questions, batchSize: 1, control: control)
        let (rows, _) = try chunked.run { chunk in
            try chunk.map { question in
                let texts = try countries.map {
                    try CountryPrompts.askRedditRewardText(question: question.question, responseFormat: question.responseFormat,
                                                           country: $0)
                }
                var rewards: [Double] = []
                for start in stride(from: 0, to: texts.count, by: max(1, model.preferredBatchSize)) {
                    let end = min(start + max(1, model.preferredBatchSize), texts.count)
                    rewards += try requireCount(model.rewards(for: Array(texts[start..<end]), control: chunked.backendControl),
                                                end - start, "rewards")
                }
                return CountryPreferenceQuestion(
                    question: question.question, sentiment: question.sentiment, category: question.category,
                    responseFormat: question.responseFormat,
                    prompt: try CountryPrompts.askRedditRewardPrompt(question: question.question, responseFormat: question.responseFormat),
                    scores: rewards)
            }
        }
        return CountryPreferenceRun(model: model.identity.name, measure: .reward, countries: countries, questions: rows,
                                    origin: .live(dataset: "askreddit"),
                                    completion: Completion(finished: rows.count, of: questions.count))
    }

    public struct RankOptions: Sendable {
        /// Format questions with the model's chat template: `nil` uses it when the model has one.
        public var useChatTemplate: Bool?
        public var selection: String

        public init(useChatTemplate: Bool? = nil, selection: String = "askreddit") {
            self.useChatTemplate = useChatTemplate
            self.selection = selection
        }
    }

    /// Every country as the answer to each AskReddit question, scored by a language model: the mean NLL of the
    /// country's tokens after the (chat-formatted) question and the answer's opening words.
    public static func askRedditRanking(model: any LanguageModel, on questions: [AskRedditQuestion], countries: [String],
                                        options: RankOptions = RankOptions(), control: RunControl = .none) throws -> CountryPreferenceRun {
        var useChat = options.useChatTemplate ?? true
        var requests: [ScoringRequest] = []
        for question in questions {
            var chat: String?
            if useChat {
                do {
                    chat = try model.chatPrompt([.user(question.question)], addGenerationPrompt: true)
                } catch InferenceError.unsupported(let why) {
                    if options.useChatTemplate == true { throw InferenceError.unsupported(why) }
                    useChat = false
                }
            }
            requests.append(ScoringRequest(
                prompt: CountryPrompts.askRedditLMPrompt(question: question.question, responseFormat: question.responseFormat,
                                                         chatPrompt: chat),
                candidates: countries.map { CountryPrompts.askRedditLMContinuation(responseFormat: question.responseFormat, country: $0) }))
        }
        let chunked = ChunkedRun(items: Array(zip(questions, requests)), batchSize: model.preferredBatchSize, control: control)
        let (rows, _) = try chunked.run { chunk in
            let scores = try requireCount(model.score(chunk.map(\.1), method: .meanNLL, control: chunked.backendControl),
                                          chunk.count, "score lists")
            return try zip(chunk, scores).map { pair, candidates in
                _ = try requireCount(candidates, countries.count, "candidate scores")
                return CountryPreferenceQuestion(question: pair.0.question, sentiment: pair.0.sentiment, category: pair.0.category,
                                          responseFormat: pair.0.responseFormat, prompt: pair.1.prompt,
                                          scores: candidates.map(\.meanNLL))
            }
        }
        var run = CountryPreferenceRun(model: model.identity.name, measure: .meanNLL, countries: countries, questions: rows,
                                       origin: .live(dataset: options.selection),
                                       completion: Completion(finished: rows.count, of: questions.count))
        run.details = [useChat ? "questions formatted with the model's chat template" : "questions without a chat template"]
        return run
    }
}
