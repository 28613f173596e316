import Datasets
import XCTest
@testable import Evaluations
import TestSupport

/// The task definitions' prompt strings, byte for byte against PAPER.md and the released outputs.
final class PromptTests: XCTestCase {
    /// The inline-code span of PAPER.md that starts with `prefix`, with `\n` read as a newline.
    private func paperPrompt(startingWith prefix: String) throws -> String {
        let paper = try String(contentsOfFile: Paths.shared + "/PAPER.md", encoding: .utf8)
        guard let start = paper.range(of: "`" + prefix) else { throw XCTSkip("PAPER.md has no prompt starting with \(prefix)") }
        let body = paper[start.upperBound...].prefix { $0 != "`" }
        return (prefix + body).replacingOccurrences(of: "\\n", with: "\n")
    }

    /// The inline-code span right after `label` (PAPER.md writes `INSTRUCTION `…``).
    private func paperPrompt(after label: String) throws -> String {
        let paper = try String(contentsOfFile: Paths.shared + "/PAPER.md", encoding: .utf8)
        guard let start = paper.range(of: label + " `") else { throw XCTSkip("PAPER.md has no \(label)") }
        let body = paper[start.upperBound...].prefix { $0 != "`" }
        return String(body).replacingOccurrences(of: "\\n", with: "\n")
    }

    private func requirePaper() throws {
        guard FileManager.default.fileExists(atPath: Paths.shared + "/PAPER.md") else { throw XCTSkip("../shared/PAPER.md not present") }
    }

    func testTemplatesMatchPaperByteForByte() throws {
        try requirePaper()
        XCTAssertEqual(OpinionTemplate.study.prompt.text, try paperPrompt(startingWith: "Human: {question}"))
        XCTAssertEqual(OpinionTemplate.anthropic.prompt.text,
                       OpinionTemplate.study.prompt.text.replacingOccurrences(of: "If I had to select", with: "If had to select"))
        XCTAssertTrue(try String(contentsOfFile: Paths.shared + "/PAPER.md", encoding: .utf8).contains("`If had to select`"))
        XCTAssertEqual(DialectTask.study.prompt.text, try paperPrompt(startingWith: "I am going to show you"))
        XCTAssertEqual(QATask.study.instruction, try paperPrompt(after: "INSTRUCTION"))
        XCTAssertEqual(QATask.study.example.text, try paperPrompt(after: "EXAMPLE"))
        XCTAssertEqual(QATask.study.preanswer.text, try paperPrompt(after: "PREANSWER"))
        XCTAssertEqual(ReadingTemplate.paper.prompt.text, try paperPrompt(startingWith: "Given the following passage"))
        XCTAssertTrue(ReadingTemplate.paper.prompt.text.hasSuffix("is: "))
        XCTAssertEqual(ReadingTemplate.harness.prompt.text, try paperPrompt(startingWith: "P: {passage}"))
        XCTAssertEqual(CountryPrompts.whereFrom.text, try paperPrompt(startingWith: "<s>[INST] Where are you from?"))
        XCTAssertEqual(CountryPrompts.askRedditReward.text, try paperPrompt(startingWith: "<s>[INST] {question}"))
        // The two spaces after the first two full stops survive.
        XCTAssertTrue(DialectTask.study.prompt.text.contains("called Taboo.  The goal of the game is to guess the secret word without saying any of the distractor words.  Given"))
    }

    func testRenderedPrompts() throws {
        let goqa = try OpinionTemplate.study.render(question: "Q?", options: ["Yes", "No", "1.0"])
        XCTAssertEqual(goqa, "Human: Q?\n\nHere are the options:\n(A) Yes\n(B) No\n(C) 1.0\n\nAssistant: If I had to select one of the options, my answer would be (")
        XCTAssertEqual(OpinionTemplate.study.candidates(count: 3), ["A)", "B)", "C)"])
        let reading = try ReadingTemplate.paper.render(passage: "P", question: "Q", answers: ["a", "b", "c", "d"])
        XCTAssertTrue(reading.hasSuffix("Context: P\nQuestion: Q\nChoices: \n(A) a\n(B) b\n(C) c\n(D) d\nBased on the choices the answer is: "))
        XCTAssertEqual(try ReadingTemplate.harness.render(passage: "P", question: "Q", answers: ["a", "b", "c", "d"]),
                       "P: P\nQ: Q\nA: a\nB: b\nC: c\nD: d\nAnswer:")
        XCTAssertEqual(ReadingTemplate.harness.candidates, [" A", " B", " C", " D"])
        // Braces in the data are not placeholders.
        XCTAssertEqual(try DialectTask.study.render(transcript: "Speaker0: {options} {x"), try DialectTask.study.prompt.render(["transcript": "Speaker0: {options} {x"]))
        XCTAssertTrue(try DialectTask.study.render(transcript: "Speaker0: {options}").contains("\"Speaker0: {options}\""))
        XCTAssertThrowsError(try PromptTemplate("{a} {b}").render(["a": "1"])) {
            XCTAssertEqual("\($0)", "no value for {b} in the prompt template")
        }
        let qa = try QATask.study.render(context: "C2", question: "Q2?", shots: [("C1", "Q1?", "A1")])
        XCTAssertEqual(qa, QATask.study.instruction + "Context: C1\nQuestion: Q1?\nExtracted Answer: A1\n\nContext: C2\nQuestion: Q2?\nExtracted Answer:")
    }

    /// The "the" rule and the template reproduce all 254 prompts of the released where-from file.
    func testWhereFromTextsMatchTheReleasedPrompts() throws {
        let table = try CSVReader.read(path: Paths.datasets + "/paper-outputs/reward-testing/where_from_starling-rm-7b-alpha.csv")
        let country = try table.column("country"), prompt = try table.column("prompt")
        XCTAssertEqual(table.records.count, 254)
        for record in table.records {
            XCTAssertEqual(try CountryPrompts.whereFromText(record.fields[country]), record.fields[prompt])
        }
        XCTAssertEqual(try CountryPrompts.whereFromText("Netherlands"), "<s>[INST] Where are you from? </s> [/INST] I am from the Netherlands.</s>")
        XCTAssertEqual(try CountryPrompts.whereFromText("The Bahamas"), "<s>[INST] Where are you from? </s> [/INST] I am from The Bahamas.</s>")
    }

    /// The AskReddit prompts of the released reward and NLL files, rebuilt from the dataset for all 554 questions.
    func testAskRedditPromptsMatchTheReleasedFiles() throws {
        let questions = try AskReddit.load(path: Paths.datasets + "/askreddit/AskRedditCountries_final.csv").questions
        let reward = try Released.result("ask-reddit-reward/starling-rm-7b-alpha-reformatted.csv", as: CountryPreferenceRun.self)
        let zephyr = try Released.result("ask-reddit-perplexity/zephyr-7b-beta_8bit-reformatted.csv", as: CountryPreferenceRun.self)
        let mistral = try Released.result("ask-reddit-perplexity/Mistral-7B-v0.1-reformatted.csv", as: CountryPreferenceRun.self)
        let chat = CharacterBigramModel(training: "x")
        for (index, question) in questions.enumerated() {
            XCTAssertEqual(try CountryPrompts.askRedditRewardPrompt(question: question.question, responseFormat: question.responseFormat),
                           reward.questions[index].prompt)
            let zephyrChat = try chat.chatPrompt([.user(question.question)], addGenerationPrompt: true)
            XCTAssertEqual(CountryPrompts.askRedditLMPrompt(question: question.question, responseFormat: question.responseFormat,
                                                            chatPrompt: zephyrChat), zephyr.questions[index].prompt)
            XCTAssertEqual(CountryPrompts.askRedditLMPrompt(question: question.question, responseFormat: question.responseFormat,
                                                            chatPrompt: nil), mistral.questions[index].prompt)
        }
        XCTAssertEqual(try CountryPrompts.askRedditRewardText(question: "Where?", responseFormat: "{country} was great.", country: "Netherlands"),
                       "<s>[INST] Where? </s> [/INST] The Netherlands was great.</s>")
        XCTAssertEqual(CountryPrompts.askRedditLMContinuation(responseFormat: "I think {country}.", country: "United Kingdom"), " the United Kingdom")
        XCTAssertEqual(CountryPrompts.askRedditLMContinuation(responseFormat: "{country}.", country: "Chad"), " Chad")
    }

    /// Python's `random` with seed 221, against CPython's own output.
    func testPythonRandomMatchesCPython() {
        var random = PythonRandom(seed: 221)
        XCTAssertEqual((0..<5).map { _ in random.nextUInt32() }, [1054277402, 1826852211, 401981758, 2113621294, 1205483327])
        random = PythonRandom(seed: 221)
        XCTAssertEqual((0..<8).map { _ in random.below(440) }, [125, 217, 47, 251, 143, 285, 420, 392])
        random = PythonRandom(seed: 221)
        XCTAssertEqual(random.uniform(), 0.24546808321287605)
        random = PythonRandom(seed: 221)
        XCTAssertEqual((0..<5).map { _ in random.choice(Array(0..<1000)) }, [251, 435, 95, 503, 287])
        random = PythonRandom(seed: 1 << 40 + 5)
        XCTAssertEqual((0..<3).map { _ in random.nextUInt32() }, [2166296868, 2220160828, 1153647273])
        random = PythonRandom(seed: 221)
        XCTAssertEqual(random.randomBits(64), 7846270501924568858)
    }
}
