import Datasets
import Foundation
import InferenceAPI
import Synchronization
import XCTest
@testable import Evaluations
import TestSupport

/// The live runners on a real (tiny) model: a character bigram trained on the bundled TyDiQA English contexts.
final class LiveRunTests: XCTestCase {
    static let catalog = DatasetCatalog.bundled(root: Paths.datasets)

    static let corpus: String = {
        guard case .qa(let items)? = try? catalog.select(DatasetSelection(parsing: "tydiqa[english]")) else { return "" }
        return items.map { $0.context + "\n" + $0.question + "\n" + $0.answers[0] + "\n\n" }.joined()
    }()

    private func model(batchSize: Int = 3, cancelAfter: Int? = nil) -> CharacterBigramModel {
        CharacterBigramModel(training: Self.corpus, batchSize: batchSize, cancelAfterRequests: cancelAfter)
    }

    private func select(_ text: String) throws -> Dataset { try Self.catalog.select(DatasetSelection(parsing: text)) }

    func testOpinionsRunScoresOptionsAndComparesWithCountries() throws {
        guard case .opinions(let questions) = try select("goqa[0:7]") else { return XCTFail() }
        let lm = model()
        let progress = Mutex<[Int]>([])
        let control = RunControl(progress: { done, _ in progress.withLock { $0.append(done) } })
        let run = try LiveRun.opinions(model: lm, on: questions, control: control)
        XCTAssertEqual(run.questions.count, 7)
        XCTAssertFalse(run.completion.isPartial)
        // Chunks of the model's preferred batch size, progress per chunk in items.
        XCTAssertEqual(lm.calls.withLock { $0 }, ["score:3", "score:3", "score:1"])
        XCTAssertEqual(progress.withLock { $0 }, [0, 3, 6, 7])
        // Probabilities are the renormalised exp(−mean NLL) of "A)", "B)", … after the study's prompt.
        let first = questions[0]
        let prompt = try OpinionTemplate.study.render(question: first.question, options: first.options)
        let weights = first.options.indices.map { exp(-lm.meanNLL(prompt: prompt, candidate: OpinionTemplate.letter($0) + ")").0) }
        let total = weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            XCTAssertEqual(run.questions[0].probabilities[index], weight / total, accuracy: 1e-12)
        }
        for country in first.countries {
            XCTAssertEqual(run.questions[0].similarities[country.country],
                           OpinionSimilarity.similarity(run.questions[0].probabilities, country.distribution))
        }
        // The live run is the same type the importer gives, so the analysis takes it as is.
        let summary = try Opinions.analyze(run, options: OpinionOptions(reference: nil))
        XCTAssertEqual(summary.model, "char-bigram")
        XCTAssertFalse(summary.rows.isEmpty)
        XCTAssertTrue(summary.notes.contains { $0.contains("computed live") })
    }

    func testCtrlCKeepsFinishedChunks() throws {
        guard case .opinions(let questions) = try select("goqa[0:10]") else { return XCTFail() }
        // The "user" presses Ctrl-C while the third chunk is running.
        let run = try LiveRun.opinions(model: model(cancelAfter: 6), on: questions)
        XCTAssertEqual(run.questions.count, 6)
        XCTAssertTrue(run.completion.isPartial)
        XCTAssertTrue(run.notes.contains { $0.hasPrefix("PARTIAL: interrupted after 6 of 10") })
        let summary = try Opinions.analyze(run, options: OpinionOptions(reference: nil))
        XCTAssertTrue(summary.notes.contains { $0.hasPrefix("PARTIAL") })
        // A cancellation already set before the run returns an empty, partial result at once.
        let cancelled = Cancellation()
        cancelled.cancel()
        let none = try LiveRun.opinions(model: model(), on: questions, control: RunControl(cancellation: cancelled))
        XCTAssertEqual(none.questions.count, 0)
        XCTAssertTrue(none.completion.isPartial)
    }

    func testDialectsRunBothMetrics() throws {
        guard case .dialects(let items) = try select("md3[en_ng][:4]") else { return XCTFail() }
        let lm = model(batchSize: 2)
        let run = try LiveRun.dialects(model: lm, on: items)
        XCTAssertEqual(lm.calls.withLock { $0 }, ["score:2", "generate:2", "score:2", "generate:2"])
        let prompt = try DialectTask.study.render(transcript: items[0].transcript)
        XCTAssertTrue(prompt.hasSuffix("\"\n\nSecret Word:"))
        let greedy = try lm.generate([prompt], options: .greedy(maxTokens: 10), control: .none, onToken: nil)[0].text
        XCTAssertEqual(run.items[0].generation, greedy.trimmingCharacters(in: .whitespacesAndNewlines))
        let candidates = [items[0].correctWord] + items[0].distractors
        let weights = candidates.map { exp(-lm.meanNLL(prompt: prompt, candidate: $0).0) }
        XCTAssertEqual(try XCTUnwrap(run.items[0].correctProbability), weights[0] / weights.reduce(0, +), accuracy: 1e-12)
        let summary = Dialects.analyze(run)
        XCTAssertEqual(summary.rows.map(\.metric), ["generation", "choice"])
        XCTAssertEqual(summary.rows.map(\.items), [4, 4])
    }

    func testQARunDrawsTheOneShotExampleWithPythonRandom() throws {
        guard case .qa(let pool) = try select("tydiqa[english]"), case .qa(let items) = try select("tydiqa[english][:3]") else {
            return XCTFail()
        }
        let prompts = try LiveRun.qaPrompts(for: items, pool: pool)
        // Python: random.seed(221); for each question random.sample(<same-language pool without it>, 1).
        var random = PythonRandom(seed: 221)
        for (item, prompt) in zip(items, prompts) {
            let candidates = pool.filter { $0.id != item.id }
            let shot = candidates[random.below(candidates.count)]
            XCTAssertTrue(prompt.hasPrefix(QATask.study.instruction + "Context: \(shot.context)\nQuestion: \(shot.question)\nExtracted Answer: \(shot.answers[0])\n\n"))
            XCTAssertTrue(prompt.hasSuffix("Context: \(item.context)\nQuestion: \(item.question)\nExtracted Answer:"))
        }
        let lm = model()
        let run = try LiveRun.qa(model: lm, on: items, pool: pool)
        XCTAssertEqual(run.items.map(\.id), items.map(\.id))
        XCTAssertTrue(run.items.allSatisfy { !$0.generation.contains("\n\n") })
        let result = try QA.analyze(run, gold: pool)
        XCTAssertEqual(result.rows.map(\.language), ["en"])
        XCTAssertEqual(result.rows[0].items, 3)
    }

    func testChoiceRunWithBothTemplates() throws {
        guard case .reading(let items) = try select("belebele[eng][:5]") else { return XCTFail() }
        for template in ReadingTemplate.all {
            let lm = model()
            let run = try LiveRun.choice(model: lm, on: items, options: .init(template: template))
            XCTAssertEqual(run.items.count, 5)
            XCTAssertEqual(run.template, template.name)
            let prompt = try template.render(passage: items[0].passage, question: items[0].question, answers: items[0].answers)
            let weights = template.candidates.map { exp(-lm.meanNLL(prompt: prompt, candidate: $0).0) }
            XCTAssertEqual(run.items[0].probabilities[0], weights[0] / weights.reduce(0, +), accuracy: 1e-12)
            let result = Choice.analyze(run)
            XCTAssertEqual(result.rows.map(\.language), ["eng_Latn"])
            XCTAssertEqual(result.rows[0].items, 5)
        }
    }

    func testRewardRunsAndRanking() throws {
        guard case .countries(let names) = try select("wherefrom[:12]"),
              case .askReddit(let questions) = try select("askreddit[:4]") else { return XCTFail() }
        let rm = model(batchSize: 5)
        let whereFrom = try LiveRun.whereFrom(model: rm, countries: names)
        XCTAssertEqual(rm.calls.withLock { $0 }, ["rewards:5", "rewards:5", "rewards:2"])
        XCTAssertEqual(whereFrom.rows.map(\.country), names)
        XCTAssertEqual(whereFrom.rows[0].reward, try rm.rewards(for: [CountryPrompts.whereFromText(names[0])], control: .none)[0])
        XCTAssertEqual(whereFrom.table().columns, ["model", "country", "reward"])

        let rewards = try LiveRun.askRedditRewards(model: rm, on: questions, countries: names)
        XCTAssertEqual(rewards.questions.count, 4)
        XCTAssertEqual(rewards.measure, .reward)
        let ranks = try Ranking.meanRanks(rewards)
        XCTAssertEqual(ranks.rows.count, 12)
        // Mean ranks of n countries average (n + 1) / 2.
        XCTAssertEqual(ranks.rows.map(\.meanRank).reduce(0, +) / 12, 6.5, accuracy: 1e-12)

        let lm = model()
        let chat = try LiveRun.askRedditRanking(model: lm, on: questions, countries: names)
        XCTAssertEqual(chat.questions[0].prompt, "<|user|>\n\(questions[0].question)</s>\n<|assistant|>\n I think")
        let plain = try LiveRun.askRedditRanking(model: PlainBigramModel(lm), on: questions, countries: names)
        XCTAssertEqual(plain.questions[0].prompt, "\(questions[0].question) I think")
        XCTAssertEqual(plain.questions[0].scores[0],
                       lm.meanNLL(prompt: plain.questions[0].prompt, candidate: " " + CountryPrompts.phrase(names[0], startsSentence: false)).0,
                       accuracy: 1e-12)
        XCTAssertThrowsError(try LiveRun.askRedditRanking(model: PlainBigramModel(lm), on: questions, countries: names,
                                                         options: .init(useChatTemplate: true)))
    }
}

/// A backend that answers one request too few, as a misbehaving server might.
private final class ShortAnsweringModel: LanguageModel, @unchecked Sendable {
    let inner: CharacterBigramModel
    init(_ inner: CharacterBigramModel) { self.inner = inner }
    var identity: ModelIdentity { inner.identity }
    var preferredBatchSize: Int { inner.preferredBatchSize }
    func score(_ requests: [ScoringRequest], method: ScoringMethod, control: RunControl) throws -> [[CandidateScore]] {
        Array(try inner.score(requests, method: method, control: control).dropLast())
    }
    func generate(_ prompts: [String], options: GenerationOptions, control: RunControl,
                  onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation] {
        Array(try inner.generate(prompts, options: options, control: control, onToken: onToken).dropLast())
    }
    func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]] { [] }
    func nextTokens(after prompt: String, top: Int) throws -> [TokenProbability] { [] }
    func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String { "" }
}

extension LiveRunTests {
    func testMisbehavingBackendIsAnErrorNotACrash() throws {
        let short = ShortAnsweringModel(CharacterBigramModel(training: "abc abc", batchSize: 2))
        guard case .dialects(let items) = try Self.catalog.select(DatasetSelection(parsing: "md3[:2]")),
              case .opinions(let questions) = try Self.catalog.select(DatasetSelection(parsing: "goqa[:2]")) else { return XCTFail() }
        XCTAssertThrowsError(try LiveRun.dialects(model: short, on: items)) {
            XCTAssertEqual("\($0)", "the backend returned 1 score lists for 2 requests")
        }
        XCTAssertThrowsError(try LiveRun.opinions(model: short, on: questions))
        // Nothing to do is not an error.
        let empty = try LiveRun.qa(model: short, on: [], pool: [])
        XCTAssertTrue(empty.items.isEmpty)
        XCTAssertFalse(empty.completion.isPartial)
    }
}
