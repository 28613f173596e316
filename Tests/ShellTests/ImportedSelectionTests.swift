import Evaluations
import Foundation
import XCTest
@testable import Shell

/// Analyses of imported released outputs honour 'on DATASET[…]' (or refuse it in one line), and the released
/// Mean Rank table correlates over the Gallup countries it has.
final class ImportedSelectionTests: XCTestCase {
    private func bundledInterpreter(_ captured: CapturedConsole) -> Interpreter {
        let root = PathsForTests.repository.appendingPathComponent("Datasets").path
        return Interpreter(console: captured.console, services: Services(catalog: .bundled(root: root)))
    }

    func testDialectsOfAnImportedRunOnASelection() throws {
        let captured = CapturedConsole()
        let shell = bundledInterpreter(captured)
        XCTAssertTrue(shell.execute("""
            set bars=off
            import zephyr from paper-outputs/md3-game/zephyr-7b-beta_8bit-no-answers.csv
            dialects zephyr on md3[en_ng][:10] as ng10
            """), captured.err)
        let result = try XCTUnwrap(shell.results.lookup("ng10")?.result as? DialectsResult)
        XCTAssertEqual(result.rows.map(\.dialect), ["en_ng", "en_ng"])
        XCTAssertEqual(result.rows.map(\.items), [10, 10])
        XCTAssertTrue(captured.out.contains("· restricted to md3[en_ng][:10]: 10 of the run's 894 games\n"), captured.out)

        XCTAssertFalse(shell.execute("dialects zephyr on goqa[:3]"))
        XCTAssertTrue(captured.err.contains("error: dialects: 'goqa[:3]' is not an MD3 dataset (expected e.g. md3[en_ng][:10])"),
                      captured.err)
    }

    func testRankOfAnImportedRunOnASelection() throws {
        let captured = CapturedConsole()
        let shell = bundledInterpreter(captured)
        XCTAssertTrue(shell.execute("""
            set bars=off
            import starling from paper-outputs/ask-reddit-reward/starling-rm-7b-alpha-reformatted.csv
            rank starling on askreddit[:10] as first10
            rank starling on askreddit[sentiment=negative] as negative
            rank starling as all
            """), captured.err)
        let first10 = try XCTUnwrap(shell.results.lookup("first10")?.result as? MeanRankResult)
        XCTAssertEqual(first10.rows.count, 181)
        XCTAssertEqual(Set(first10.rows.map(\.questions)), [10])
        let negative = try XCTUnwrap(shell.results.lookup("negative")?.result as? MeanRankResult)
        let count = try XCTUnwrap(negative.rows.first?.questions)
        XCTAssertGreaterThan(count, 10)
        XCTAssertLessThan(count, 554)
        XCTAssertTrue(captured.out.contains("· restricted to askreddit[sentiment=negative]: \(count) of the run's 554 questions\n"),
                      captured.out)
        let all = try XCTUnwrap(shell.results.lookup("all")?.result as? MeanRankResult)
        XCTAssertEqual(Set(all.rows.map(\.questions)), [554])
        XCTAssertNotEqual(all.rows.map(\.country), negative.rows.map(\.country))

        XCTAssertFalse(shell.execute("rank starling on md3[:3]"))
        XCTAssertTrue(captured.err.contains("error: rank: 'md3[:3]' is not the AskRedditCountries dataset"), captured.err)
        XCTAssertFalse(shell.execute("rank starling on askreddit[sentiment=neutral]"))
        XCTAssertTrue(captured.err.contains("error: rank: no item has sentiment=neutral"), captured.err)
    }

    /// Analyses whose result sources cannot take a selection say so instead of ignoring it.
    func testOnIsRefusedWhereItCannotApply() throws {
        let captured = CapturedConsole()
        let shell = bundledInterpreter(captured)
        XCTAssertTrue(shell.execute("import wf from paper-outputs/reward-testing/where_from_starling-rm-7b-alpha.csv"), captured.err)
        XCTAssertFalse(shell.execute("rewards wf on wherefrom[:3]"))
        XCTAssertTrue(captured.err.contains("error: rewards: 'on DATASET' needs a loaded reward model as SOURCE; 'wf' is not one"),
                      captured.err)
    }

    /// PAPER.md's Gallup test on the released `results/starling_rm_df_filtered_USA.csv`: 2023 over its 21
    /// countries is the printed 0.8493506; 2017 lacks Philippines and Syria, so ρ is over 19 (scipy: 0.9368421).
    func testCorrelateTheReleasedMeanRankTable() throws {
        let captured = CapturedConsole()
        let shell = bundledInterpreter(captured)
        XCTAssertTrue(shell.execute("""
            set bars=off
            import rm from paper-outputs/results/starling_rm_df_filtered_USA.csv
            correlate rm as rho
            """), captured.err)
        let rho = try XCTUnwrap(shell.results.lookup("rho")?.result as? CorrelationResult)
        XCTAssertEqual(rho.rows.map(\.right), ["Gallup 2017", "Gallup 2023"])
        XCTAssertEqual(rho.rows.map(\.n), [19, 21])
        XCTAssertEqual(rho.rows[0].spearman, 0.9368421052631579, accuracy: 1e-12)
        XCTAssertEqual(rho.rows[1].spearman, 0.8493506493506494, accuracy: 1e-12)
        XCTAssertTrue(captured.out.contains("· Gallup 2017: Philippines, Syria have no Mean Rank in rm, dropped: n = 19 of 21\n"),
                      captured.out)
    }
}
