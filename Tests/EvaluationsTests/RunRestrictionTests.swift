import Datasets
import Evaluations
import TestSupport
import XCTest

/// Imported runs cut down to a dataset selection (`dialects zephyr on md3[en_ng][:10]`, `rank starling on
/// askreddit[sentiment=negative]`): the released files and the bundled datasets, matched by content.
final class RunRestrictionTests: XCTestCase {
    private let catalog = DatasetCatalog.bundled(root: Paths.datasets)

    private func select(_ text: String) throws -> Dataset { try catalog.select(DatasetSelection(parsing: text)) }

    func testDialectsOnASelectionReportOnlyTheSelectedGames() throws {
        let run = try Released.result("md3-game/zephyr-7b-beta_8bit-no-answers.csv", as: DialectRun.self)
        XCTAssertEqual(run.items.count, 894)
        guard case .dialects(let items) = try select("md3[en_ng][:10]") else { return XCTFail("md3 is not MD3") }
        let restricted = try run.restricted(to: items, selection: "md3[en_ng][:10]")
        // The released file lists the games in the dataset's order: the first ten Nigerian ones.
        XCTAssertEqual(restricted.items.map(\.transcript), items.map(\.transcript))
        XCTAssertEqual(Set(restricted.items.map(\.dialect)), ["en_ng"])

        let result = Dialects.analyze(restricted)
        XCTAssertEqual(result.rows.map(\.dialect), ["en_ng", "en_ng"])
        XCTAssertEqual(result.rows.map(\.items), [10, 10])
        let generated = restricted.items.compactMap(\.generatedCorrect).filter { $0 }.count
        XCTAssertEqual(result.rows[0].accuracy, 100 * Double(generated) / 10, accuracy: 1e-12)
        XCTAssertTrue(result.notes.contains("restricted to md3[en_ng][:10]: 10 of the run's 894 games"), "\(result.notes)")
    }

    func testRankOnASelectionRanksOnlyTheSelectedQuestions() throws {
        let run = try Released.result("ask-reddit-reward/starling-rm-7b-alpha-reformatted.csv", as: CountryPreferenceRun.self)
        XCTAssertEqual(run.questions.count, 554)
        guard case .askReddit(let negative) = try select("askreddit[sentiment=negative]") else { return XCTFail("not AskReddit") }
        let restricted = try run.restricted(to: negative, selection: "askreddit[sentiment=negative]")
        XCTAssertEqual(restricted.questions.count, negative.count)
        XCTAssertTrue(restricted.questions.allSatisfy { $0.sentiment == .negative })

        // The same ranking as a run holding only the negative questions of the file.
        var byHand = run
        byHand.questions = run.questions.filter { $0.sentiment == .negative }
        let ranks = try Ranking.meanRanks(restricted)
        XCTAssertEqual(ranks.rows, try Ranking.meanRanks(byHand).rows)
        XCTAssertEqual(Set(ranks.rows.map(\.questions)), [negative.count])
        XCTAssertTrue(ranks.notes.contains("restricted to askreddit[sentiment=negative]: \(negative.count) of the run's 554 questions"),
                      "\(ranks.notes)")

        guard case .askReddit(let first) = try select("askreddit[:10]") else { return XCTFail("not AskReddit") }
        let ten = try Ranking.meanRanks(run.restricted(to: first, selection: "askreddit[:10]"))
        XCTAssertEqual(Set(ten.rows.map(\.questions)), [10])
    }

    func testASelectionTheRunDoesNotHoldIsAnError() throws {
        let run = try Released.result("ask-reddit-reward/starling-rm-7b-alpha-reformatted.csv", as: CountryPreferenceRun.self)
        var other = run
        other.questions = Array(run.questions[..<5])
        guard case .askReddit(let later) = try select("askreddit[10:12]") else { return XCTFail("not AskReddit") }
        XCTAssertThrowsError(try other.restricted(to: later, selection: "askreddit[10:12]")) { error in
            XCTAssertEqual("\(error)", "none of the 2 questions of askreddit[10:12] is in Starling-RM-7B-alpha's 5 questions")
        }
        // Partly held: the note says how many selected questions are missing.
        guard case .askReddit(let straddling) = try select("askreddit[3:8]") else { return XCTFail("not AskReddit") }
        let partial = try other.restricted(to: straddling, selection: "askreddit[3:8]")
        XCTAssertEqual(partial.restriction, "restricted to askreddit[3:8]: 2 of the run's 5 questions; 3 selected questions are not in the run")
    }
}
