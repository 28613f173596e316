import Foundation
import InferenceAPI
import InferenceTestSupport
import RemoteBackend
import XCTest

/// The remote backend against `alignscope serve`'s server over real HTTP on 127.0.0.1: every call must give
/// what the same model gives in process.
final class LoopbackParityTests: XCTestCase {
    private let local = CharacterBigramModel(trainingText: surveyText)
    private var server: LoopbackServer!

    override func setUpWithError() throws {
        server = try LoopbackServer(models: ["bigram": local])
    }

    override func tearDown() {
        server.stop()
    }

    private func remote(_ options: RemoteOptions = RemoteOptions(concurrency: 4, timeout: 20)) throws -> RemoteModel {
        try RemoteModel(baseURL: server.baseURL, model: "bigram", options: options, name: "remote-bigram")
    }

    private var questions: [ScoringRequest] {
        (0 ..< 12).map { index in
            ScoringRequest(prompt: "Human: Question \(index) about the economy?\nAssistant: my answer would be (",
                           candidates: ["A)", "B)", "C)", "D) Less", "é"])
        }
    }

    func testProbeFindsScoringAndTheServersTokenizer() throws {
        let model = try remote()
        let capabilities = try model.probe()
        XCTAssertEqual(capabilities.server, "alignscope")
        XCTAssertEqual(capabilities.models, ["bigram"])
        XCTAssertEqual(capabilities.scoring, .echoedLogprobs(maxTokens: 0))
        XCTAssertTrue(model.identity.tokenizer.hasPrefix(local.identity.tokenizer), model.identity.tokenizer)
        XCTAssertEqual(model.identity.source, "\(server.baseURL)#bigram")
        XCTAssertEqual(model.identity.name, "remote-bigram")
    }

    func testScoresOverHTTPEqualInProcessScores() throws {
        let model = try remote()
        for method in ScoringMethod.allCases {
            let overHTTP = try model.score(questions, method: method, control: .none)
            let inProcess = try local.score(questions, method: method, control: .none)
            XCTAssertEqual(overHTTP.count, inProcess.count)
            for (remoteRow, localRow) in zip(overHTTP, inProcess) {
                XCTAssertEqual(remoteRow.map(\.candidate), localRow.map(\.candidate))
                XCTAssertEqual(remoteRow.map(\.tokenCount), localRow.map(\.tokenCount))
                for (a, b) in zip(remoteRow, localRow) {
                    XCTAssertEqual(a.meanNLL, b.meanNLL, accuracy: 1e-12 * max(1, abs(b.meanNLL)), "\(method)")
                    XCTAssertEqual(a.probability, b.probability, accuracy: 1e-12)
                }
            }
        }
    }

    func testPromptLogprobsKeepIdsAndByteOffsets() throws {
        let texts = ["Café au lait, s'il vous plaît", "Some countries trust their government"]
        XCTAssertEqual(try remote().promptLogprobs(texts, control: .none), try local.promptLogprobs(texts, control: .none))
    }

    func testGenerationStreamingNextTokensAndChat() throws {
        let model = try remote()
        let prompts = ["The survey asked", "Some countries", "A model that"]
        let greedy = GenerationOptions.greedy(maxTokens: 16)
        let expected = try local.generate(prompts, options: greedy, control: .none, onToken: nil)
        XCTAssertEqual(try model.generate(prompts, options: greedy, control: .none, onToken: nil).map(\.text), expected.map(\.text))

        let pieces = Pieces()
        let streamed = try model.generate(prompts, options: greedy, control: .none) { index, piece in pieces.add(index, piece) }
        XCTAssertEqual(streamed.map(\.text), expected.map(\.text))
        XCTAssertEqual(prompts.indices.map { pieces.text($0) }, expected.map(\.text))
        XCTAssertEqual(streamed.map(\.tokenCount), [16, 16, 16])

        var sampled = greedy
        sampled.temperature = 0.9
        sampled.seed = 7
        XCTAssertEqual(try model.generate(prompts, options: sampled, control: .none, onToken: nil).map(\.text),
                       try local.generate(prompts, options: sampled, control: .none, onToken: nil).map(\.text))

        let top = try model.nextTokens(after: "Some countr", top: 4)
        let localTop = try local.nextTokens(after: "Some countr", top: 4)
        // The wire's top_logprobs is a JSON object keyed by token text: tokens of exactly equal probability (a
        // random tiny model has them) come back in no particular order, so ties are compared as sets.
        func byProbabilityThenText(_ tokens: [TokenProbability]) -> [TokenProbability] {
            func rounded(_ token: TokenProbability) -> Double { (token.probability * 1e9).rounded() }
            return tokens.sorted { (rounded($0), $1.text) > (rounded($1), $0.text) }
        }
        XCTAssertEqual(byProbabilityThenText(top).map(\.text), byProbabilityThenText(localTop).map(\.text))
        for (a, b) in zip(byProbabilityThenText(top), byProbabilityThenText(localTop)) {
            XCTAssertEqual(a.probability, b.probability, accuracy: 1e-12)
        }

        let messages: [ChatMessage] = [.system("Be brief."), .user("Which country?")]
        let template = try model.chatPrompt(messages, addGenerationPrompt: true)
        XCTAssertEqual(template, try local.chatPrompt(messages, addGenerationPrompt: true))
        let chatPieces = Pieces()
        let chat = try model.chat(messages, options: .greedy(maxTokens: 10)) { chatPieces.add(0, $0) }
        XCTAssertEqual(chat.text, try local.generate([template], options: .greedy(maxTokens: 10), control: .none, onToken: nil)[0].text)
        XCTAssertEqual(chatPieces.text(0), chat.text)
    }

    func testAModelTheServerDoesNotServeIsNamed() throws {
        let model = try RemoteModel(baseURL: server.baseURL, model: "mistral", options: RemoteOptions(timeout: 10))
        XCTAssertThrowsError(try model.probe()) { error in
            XCTAssertTrue("\(error)".contains("does not serve model=mistral; it serves: bigram"), "\(error)")
        }
        XCTAssertEqual(try RemoteModel.listModels(baseURL: server.baseURL), ["bigram"])
    }

    func testBadAddressesAreRejectedBeforeAnyRequest() {
        XCTAssertThrowsError(try RemoteModel(baseURL: "gpu-box:8000", model: "m"))
        XCTAssertThrowsError(try RemoteModel(baseURL: "ftp://gpu-box/v1", model: "m"))
        XCTAssertThrowsError(try RemoteModel(baseURL: "http://127.0.0.1:1/v1", model: ""))
    }

    func testCtrlCStopsARunAndTheRerunAsksOnlyWhatIsMissing() throws {
        let slow = try LoopbackServer(models: ["slow": SlowModel(wrapping: local, delay: 0.02)])
        defer { slow.stop() }
        let model = try RemoteModel(baseURL: slow.baseURL, model: "slow",
                                    options: RemoteOptions(concurrency: 2, timeout: 20, cancellationGrace: 5))
        try model.probe()
        let askedByProbe = slow.server.requestCounts["POST /v1/completions", default: 0]
        let texts = (0 ..< 40).map { "Text number \($0) about trust." }
        let cancellation = Cancellation()
        let control = RunControl(cancellation: cancellation) { done, _ in if done == 10 { cancellation.cancel() } }
        XCTAssertThrowsError(try model.promptLogprobs(texts, control: control)) { error in
            XCTAssertEqual(error as? InferenceError, .cancelled)
        }
        let answeredBefore = slow.server.requestCounts["POST /v1/completions", default: 0]
        XCTAssertLessThan(answeredBefore, askedByProbe + 40, "the run stopped early")
        let all = try model.promptLogprobs(texts, control: .none)
        XCTAssertEqual(all, try local.promptLogprobs(texts, control: .none))
        let answeredAfter = slow.server.requestCounts["POST /v1/completions", default: 0]
        // The probe's requests, plus each text exactly once across both runs.
        XCTAssertEqual(answeredAfter, askedByProbe + 40, "nothing asked twice")
    }
}

/// A model that takes `delay` seconds per text, to make a run long enough to interrupt.
final class SlowModel: ForwardingLanguageModel, @unchecked Sendable {
    let wrapped: any LanguageModel
    let delay: Double

    init(wrapping model: any LanguageModel, delay: Double) {
        wrapped = model
        self.delay = delay
    }

    private func pause(_ count: Int) { Thread.sleep(forTimeInterval: delay * Double(count)) }

    func score(_ requests: [ScoringRequest], method: ScoringMethod, control: RunControl) throws -> [[CandidateScore]] {
        pause(requests.count)
        return try wrapped.score(requests, method: method, control: control)
    }

    func generate(_ prompts: [String], options: GenerationOptions, control: RunControl,
                  onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation] {
        pause(prompts.count)
        return try wrapped.generate(prompts, options: options, control: control, onToken: onToken)
    }

    func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]] {
        pause(texts.count)
        return try wrapped.promptLogprobs(texts, control: control)
    }
}

final class Pieces: @unchecked Sendable {
    private let lock = NSLock()
    private var pieces: [Int: String] = [:]

    func add(_ index: Int, _ piece: String) { lock.withLock { pieces[index, default: ""] += piece } }
    func text(_ index: Int) -> String { lock.withLock { pieces[index] ?? "" } }
}
