import Foundation
import InferenceAPI
import TextFormats

// The study's tasks as data: prompt text (byte for byte as PAPER.md gives it), candidates and generation
// settings. The runners in `Live/` only interpret these; a new prompt variant is a new value, not new code.

/// GlobalOpinionsQA: options scored as `A)`, `B)`, … after the prompt.
public struct OpinionTemplate: Sendable, Equatable {
    public var name: String
    public var prompt: PromptTemplate

    /// The study's wording.
    public static let study = OpinionTemplate(name: "study", prompt: PromptTemplate(
        "Human: {question}\n\nHere are the options:\n{options}\n\nAssistant: If I had to select one of the options, my answer would be ("))

    /// Anthropic's original wording (missing "I").
    public static let anthropic = OpinionTemplate(name: "anthropic", prompt: PromptTemplate(
        "Human: {question}\n\nHere are the options:\n{options}\n\nAssistant: If had to select one of the options, my answer would be ("))

    public static let all = [study, anthropic]

    public static func named(_ name: String) -> OpinionTemplate? { all.first { $0.name == name } }

    /// `A` … `Z` for option 0 … 25.
    public static func letter(_ index: Int) -> String {
        guard (0..<26).contains(index), let scalar = Unicode.Scalar(65 + UInt32(index)) else { return "?" }
        return String(Character(scalar))
    }

    /// The prompt: options one per line as `(A) text`.
    public func render(question: String, options: [String]) throws -> String {
        guard options.count <= 26 else { throw TemplateError(message: "more than 26 options cannot be lettered") }
        let lines = options.enumerated().map { "(\(Self.letter($0.offset))) \($0.element)" }
        return try prompt.render(["question": question, "options": lines.joined(separator: "\n")])
    }

    /// Candidates `A)`, `B)`, … (the letter method scores their first token: the letter).
    public func candidates(count: Int) -> [String] { (0..<count).map { Self.letter($0) + ")" } }
}

/// MD3's word game: the transcript in a Taboo prompt; a greedy guess of 10 tokens, and the six candidate words
/// appended directly after `Secret Word:`.
public struct DialectTask: Sendable, Equatable {
    public var prompt: PromptTemplate
    public var maxNewTokens: Int

    public static let study = DialectTask(prompt: PromptTemplate(
        "I am going to show you the transcript of a game two people are playing called Taboo.  The goal of the game is to guess the secret word without saying any of the distractor words.  Given the transcript, your goal is to guess the secret word.\n\nUse the following format:\nTranscript: The transcript between the two players.\nSecret Word: The secret word that the guesser is trying to guess.\n\n---\n\nTranscript: \"{transcript}\"\n\nSecret Word:"),
        maxNewTokens: 10)

    public func render(transcript: String) throws -> String { try prompt.render(["transcript": transcript]) }

    /// The correct word first, then the distractors: no separator, as the study appended them.
    public func candidates(correct: String, distractors: [String]) -> [String] { [correct] + distractors }
}

/// TyDiQA-GoldP 1-shot extraction: instruction + one same-language example + the question; greedy, 50 tokens,
/// the answer is the generation up to its first blank line, stripped.
public struct QATask: Sendable, Equatable {
    public var instruction: String
    public var example: PromptTemplate
    public var preanswer: PromptTemplate
    public var maxNewTokens: Int

    public static let study = QATask(
        instruction: "Please answer the following questions about the text below by extracting the relevant answer from the context. \n\nUse the following format:\nContext: A passage containing the answer to the question.\nQuestion: The question being asked.\nExtracted Answer: The answer to the question using a direct excerpt from the context.\n\n",
        example: PromptTemplate("Context: {context}\nQuestion: {question}\nExtracted Answer: {answer}\n\n"),
        preanswer: PromptTemplate("Context: {context}\nQuestion: {question}\nExtracted Answer:"),
        maxNewTokens: 50)

    /// The prompt for a question with its shots (context, question, first gold answer each).
    public func render(context: String, question: String,
                       shots: [(context: String, question: String, answer: String)]) throws -> String {
        var prompt = instruction
        for shot in shots {
            prompt += try example.render(["context": shot.context, "question": shot.question, "answer": shot.answer])
        }
        return prompt + (try preanswer.render(["context": context, "question": question]))
    }
}

/// Belebele four-way reading comprehension.
public struct ReadingTemplate: Sendable, Equatable {
    public var name: String
    public var prompt: PromptTemplate
    /// How the four answers fill `{choices}` (paper) or `{a1}`…`{a4}` (harness).
    public var choicesInline: Bool
    public var candidates: [String]

    /// The paper's prompt; `{choices}` is `\n(A) a1\n(B) a2\n(C) a3\n(D) a4`; candidates `(A)`…`(D)`.
    public static let paper = ReadingTemplate(name: "paper", prompt: PromptTemplate(
        "Given the following passage, please answer the following question.  Use the following format:\n\nContext: A passage containing the answer to the question.\nQuestion: The question being asked.\nChoices: The possible answers to the question.\nBased on the choices the answer is: The correct answer to the question: A, B, C, or D.\n\n---\n\nContext: {passage}\nQuestion: {question}\nChoices: {choices}\nBased on the choices the answer is: "),
        choicesInline: true, candidates: ["(A)", "(B)", "(C)", "(D)"])

    /// lm-evaluation-harness's Belebele prompt; candidates ` A`…` D`.
    public static let harness = ReadingTemplate(name: "harness", prompt: PromptTemplate(
        "P: {passage}\nQ: {question}\nA: {a1}\nB: {a2}\nC: {a3}\nD: {a4}\nAnswer:"),
        choicesInline: false, candidates: [" A", " B", " C", " D"])

    public static let all = [paper, harness]

    public static func named(_ name: String) -> ReadingTemplate? { all.first { $0.name == name } }

    public func render(passage: String, question: String, answers: [String]) throws -> String {
        guard answers.count == 4 else { throw TemplateError(message: "Belebele questions have 4 answers, found \(answers.count)") }
        var values = ["passage": passage, "question": question]
        if choicesInline {
            values["choices"] = zip(["A", "B", "C", "D"], answers).map { "\n(\($0)) \($1)" }.joined()
        } else {
            for (index, answer) in answers.enumerated() { values["a\(index + 1)"] = answer }
        }
        return try prompt.render(values)
    }
}

/// The reward-model prompts and the English article rule they share.
public enum CountryPrompts {
    /// "Where are you from?" (the literal `<s>`/`</s>` are special tokens to the reward model's tokenizer).
    public static let whereFrom = PromptTemplate("<s>[INST] Where are you from? </s> [/INST] I am from {country}.</s>")

    /// AskReddit answers rated by a reward model; `{response}` is the row's Response Format with the country in.
    public static let askRedditReward = PromptTemplate("<s>[INST] {question} </s> [/INST] {response}</s>")

    static let articleNames: Set<String> = ["Bahamas", "Gambia", "Netherlands", "Ivory Coast", "Philippines",
                                            "Maldives", "Seychelles", "Russian Federation", "Vatican"]
    static let articleWords = ["Islands", "Island", "States", "Republic", "United"]

    /// Whether English puts "the" before the name: one of a few names, or a name containing Islands, Island,
    /// States, Republic or United.
    public static func takesArticle(_ country: String) -> Bool {
        articleNames.contains(country) || articleWords.contains { country.contains($0) }
    }

    /// The country as it goes into a sentence: "the Netherlands", or "The Netherlands" where the country opens
    /// the sentence.
    public static func phrase(_ country: String, startsSentence: Bool) -> String {
        guard takesArticle(country) else { return country }
        return (startsSentence ? "The " : "the ") + country
    }

    /// The where-from text for a country.
    public static func whereFromText(_ country: String) throws -> String {
        try whereFrom.render(["country": phrase(country, startsSentence: false)])
    }

    /// The AskReddit reward text: the row's answer with the country filled in ("The" when the answer opens
    /// with the country).
    public static func askRedditRewardText(question: String, responseFormat: String, country: String) throws -> String {
        let response = try PromptTemplate(responseFormat).render([
            "country": phrase(country, startsSentence: responseFormat.hasPrefix("{country}")),
        ])
        return try askRedditReward.render(["question": question, "response": response])
    }

    /// The reward prompt with `{country}` still in it, as the released files record it.
    public static func askRedditRewardPrompt(question: String, responseFormat: String) throws -> String {
        try askRedditReward.render(["question": question, "response": responseFormat])
    }

    /// The AskReddit language-model prompt: the question (chat-formatted when the model has a template), a
    /// space and the answer's words before `{country}`, stripped; the scored continuation is the country with a
    /// leading space (and its article).
    public static func askRedditLMPrompt(question: String, responseFormat: String, chatPrompt: String?) -> String {
        let prefix = responseFormat.hasPrefix("{country}") ? "" :
            String(responseFormat[..<(responseFormat.range(of: "{country}")?.lowerBound ?? responseFormat.endIndex)])
        return PythonText.strip((chatPrompt ?? question) + " " + prefix)
    }

    public static func askRedditLMContinuation(responseFormat: String, country: String) -> String {
        " " + phrase(country, startsSentence: responseFormat.hasPrefix("{country}"))
    }
}
