import Foundation
import TestSupport
import XCTest
@testable import Shell

/// The model commands' contracts: `tokenize`'s last line, `template render`'s exact file, `score`'s CSV, and
/// `ask`/`next` on the real SmolLM2 against transformers' goldens.
final class ModelCommandTests: XCTestCase {
    static let smollm2Tokenizer = PathsForTests.shared.appendingPathComponent("tokenizers/smollm2").path
    static var smollm2Model: String? { try? TestFiles.requireSmolLM2().path }

    private func run(_ text: String, _ captured: CapturedConsole = CapturedConsole()) -> (Bool, CapturedConsole) {
        let shell = makeInterpreter(captured)
        return (shell.execute(text), captured)
    }

    func testTokenizeEndsWithTheIdsAsAJSONArray() throws {
        let (ok, captured) = run("load tok \(Self.smollm2Tokenizer); tokenize tok \"The capital of France is\"")
        XCTAssertTrue(ok, captured.err)
        let lines = captured.out.split(separator: "\n").map(String.init)
        // transformers' ids for this prompt (models/goldens/smollm2-golden.json).
        XCTAssertEqual(lines.last, "[504, 3575, 282, 4649, 314]")
        XCTAssertTrue(lines.contains("3  4649  ĠFrance"), captured.out)
        let ids = try JSONSerialization.jsonObject(with: Data(XCTUnwrap(lines.last).utf8)) as? [Int]
        XCTAssertEqual(ids, [504, 3575, 282, 4649, 314])
    }

    func testTemplateRenderWritesEveryReferenceCaseExactly() throws {
        let data = try Data(contentsOf: PathsForTests.shared.appendingPathComponent("chat-templates/cases.json"))
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try XCTUnwrap(root["cases"] as? [[String: Any]])
        let directory = temporaryDirectory()
        var rendered = 0, refused = 0
        // Every fourth case keeps the test quick; the ChatTemplates tests render them all.
        for (index, object) in cases.enumerated() where index % 4 == 0 {
            let casePath = directory.appendingPathComponent("case\(index).json").path
            let outPath = directory.appendingPathComponent("out\(index).txt").path
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: casePath))
            let (ok, captured) = run("template render '\(casePath)' --out '\(outPath)'")
            if let expected = object["expected"] as? String {
                XCTAssertTrue(ok, "case \(index): \(captured.err)")
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: outPath)), Data(expected.utf8), "case \(index)")
                rendered += 1
            } else {
                XCTAssertFalse(ok, "case \(index) should fail")
                XCTAssertTrue(captured.err.hasPrefix("error: template: \(casePath): "), captured.err)
                refused += 1
            }
        }
        XCTAssertGreaterThan(rendered, 50)
        XCTAssertGreaterThan(refused, 0)
    }

    func testACheckpointWithoutATemplateUsesTheStudysTemplateItsNameMatches() throws {
        let tiny = PathsForTests.shared.appendingPathComponent("models/llama-2-tiny-random.gguf")
        guard FileManager.default.fileExists(atPath: tiny.path) else { throw XCTSkip("\(tiny.path) not present") }
        let link = temporaryDirectory().appendingPathComponent("zephyr-7b-beta.Q8_0.gguf")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: tiny)
        let (ok, captured) = run("load z '\(link.path)'; info z; template z generation; ask z hi chat max=2")
        XCTAssertTrue(ok, captured.err)
        XCTAssertTrue(captured.out.contains("built-in zephyr (HuggingFaceH4/zephyr-7b-beta tokenizer_config.json; the checkpoint has none)"),
                      captured.out)
        XCTAssertTrue(captured.out.contains("<|user|>\nWhere are you from?</s>\n<|assistant|>"), captured.out)
        XCTAssertTrue(captured.out.contains("— 2 tokens"), captured.out)
    }

    func testTemplateOptionChoosesAStudyTemplateOverTheCheckpointsOwn() throws {
        guard let model = Self.smollm2Model else { throw XCTSkip("SmolLM2 GGUF not fetched (scripts/fetch-smollm2.sh)") }
        let (ok, captured) = run("load s '\(model)' template=tulu-2; info s; template s generation; ask s hi chat max=1")
        XCTAssertTrue(ok, captured.err)
        XCTAssertTrue(captured.out.contains("built-in tulu-2 (allenai/tulu-2-dpo-7b tokenizer_config.json; chosen with template=)"), captured.out)
        XCTAssertTrue(captured.out.contains("<|user|>\nWhere are you from?\n<|assistant|>"), captured.out)
        let (refused, errors) = run("load r url=http://127.0.0.1:1/v1 template=zephyr")
        XCTAssertFalse(refused)
        XCTAssertTrue(errors.err.hasPrefix("error: load: template= chooses a local checkpoint's chat template"), errors.err)
    }

    func testTemplateRendersAConversationWithTheModelsOwnTemplate() throws {
        let conversation = temporaryDirectory().appendingPathComponent("chat.json")
        try #"[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]"#
            .write(to: conversation, atomically: true, encoding: .utf8)
        let (ok, captured) = run("load tok \(Self.smollm2Tokenizer); template tok '\(conversation.path)' generation")
        XCTAssertTrue(ok, captured.err)
        XCTAssertTrue(captured.out.hasSuffix("\n<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n\n"), captured.out)
    }

    func testModelCommandErrorsAreOneLine() {
        let cases: [(String, String)] = [
            ("tokenize nobody hi", "tokenize: no model or tokenizer 'nobody' (load one with 'load NAME PATH' or 'load NAME url=…')"),
            ("load x /no/such/model.gguf", "load: /no/such/model.gguf"),
            ("load tok \(Self.smollm2Tokenizer); ask tok hi", "ask: tok is a tokenizer without weights: load a checkpoint to run it"),
            ("score", "score: expected NAME (usage: score NAME PROMPT CANDIDATE … [method=…] [as NAME])"),
            ("score m prompt", "score: expected CANDIDATE (usage: score NAME PROMPT CANDIDATE … [method=…] [as NAME])"),
            ("score m p c method=best", "score: method= expects one of mean-nll, next-token, got 'best'"),
            ("template render", "template: expected CASE.json after 'render'"),
            ("ask m hi max=lots", "ask: max= expects a whole number, got 'lots'"),
            ("load m x quant=q4", "load: quant= expects one of none, q8_0, f32, got 'q4'"),
        ]
        for (command, expected) in cases {
            let (ok, captured) = run(command)
            XCTAssertFalse(ok, command)
            let error = captured.err.split(separator: "\n").filter { $0.hasPrefix("error: ") }
            XCTAssertEqual(error.count, 1, captured.err)
            XCTAssertTrue(error.first?.hasPrefix("error: \(expected)") ?? false, "\(command): \(captured.err)")
        }
    }

    func testScoreNextAndAskOnSmolLM2() throws {
        guard let model = Self.smollm2Model else {
            throw XCTSkip("SmolLM2 GGUF not fetched (scripts/fetch-smollm2.sh)")
        }
        let csv = temporaryDirectory().appendingPathComponent("scores.csv").path
        let (ok, captured) = run("""
            load smollm \(model)
            score smollm "The capital of France is" " Paris" " London" as s
            export s to '\(csv)'
            next smollm "The capital of France is" top=3
            ask smollm "The capital of France is" max=2
            """)
        XCTAssertTrue(ok, captured.err)
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "candidate,mean_nll,probability")
        let probabilities = lines.dropFirst().compactMap { Double($0.split(separator: ",").last ?? "") }
        XCTAssertEqual(probabilities.count, 2)
        XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertGreaterThan(probabilities[0], probabilities[1])
        // transformers' greedy continuation starts with ids 7042, 30: " Paris."
        XCTAssertTrue(captured.out.contains("1  7042  ␣Paris"), captured.out)
        XCTAssertTrue(captured.out.contains(" Paris.\n— 2 tokens, stopped by length"), captured.out)
    }

    /// method=next-token scores the candidate's first token: its column is that token's log-probability (the
    /// CSV contract keeps `mean_nll` for the study's method only), and it agrees with `next`.
    func testScoreByNextTokenIsALogprob() throws {
        guard let model = Self.smollm2Model else {
            throw XCTSkip("SmolLM2 GGUF not fetched (scripts/fetch-smollm2.sh)")
        }
        let csv = temporaryDirectory().appendingPathComponent("next.csv").path
        let (ok, captured) = run("""
            set bars=off
            load smollm \(model)
            next smollm "The capital of France is" top=1
            score smollm "The capital of France is" " Paris" " London" method=next-token as s
            export s to '\(csv)'
            """)
        XCTAssertTrue(ok, captured.err)
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "candidate,logprob,probability")
        let paris = try XCTUnwrap(lines.dropFirst().first?.split(separator: ",").compactMap { Double($0) }.first)
        XCTAssertLessThan(paris, 0)
        // `next` printed the probability of " Paris" (id 7042) to four decimals.
        let nextLine = try XCTUnwrap(captured.out.split(separator: "\n").first { $0.contains("7042") })
        let printed = try XCTUnwrap(nextLine.split(separator: " ").last.flatMap { Double($0) })
        XCTAssertEqual(exp(paris), printed, accuracy: 5e-5)
        XCTAssertTrue(captured.out.contains("candidate  logprob  probability"), captured.out)
        XCTAssertTrue(captured.out.contains("· logprob = ln p(the candidate's first token | prompt); probability = that p renormalised over the candidates"),
                      captured.out)
        XCTAssertFalse(captured.out.contains("mean NLL"), captured.out)
    }
}

/// Ctrl-C during a live run keeps what finished: the partial run and its analysis are published.
final class LiveCancellationTests: XCTestCase {
    func testCancellingALiveRunKeepsTheFinishedQuestions() throws {
        guard let model = ModelCommandTests.smollm2Model else {
            throw XCTSkip("SmolLM2 GGUF not fetched (scripts/fetch-smollm2.sh)")
        }
        let captured = CapturedConsole()
        let root = PathsForTests.repository.appendingPathComponent("Datasets").path
        let shell = Interpreter(console: captured.console, services: Services(catalog: .bundled(root: root)))
        XCTAssertTrue(shell.execute("load smollm \(model); set bars=off"), captured.err)
        let cancellation = shell.cancellation
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.5) { cancellation.cancel() }
        XCTAssertTrue(shell.execute("opinions smollm on goqa[0:400] reference=none as partial"), captured.err)
        let run = try XCTUnwrap(shell.results.lookup("$1")?.result)
        XCTAssertTrue(run.notes.contains { $0.contains("of 400") }, "\(run.notes)")
        XCTAssertNotNil(shell.results.lookup("partial"))
        XCTAssertTrue(shell.execute("show partial"))  // the shell goes on
    }
}
