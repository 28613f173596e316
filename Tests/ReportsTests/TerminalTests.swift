import Evaluations
import XCTest
@testable import Reports

final class TerminalTests: XCTestCase {
    func testTableAlignsNumbersRightAndElidesRows() {
        let table = ResultTable(columns: ["country", "similarity", "n"], rows: [
            [.text("China"), .number(0.5872, digits: 4), .integer(244)],
            [.text("United States"), .number(0.6048, digits: 4), .integer(9)],
            [.text("Jordan"), .number(0.5888, digits: 4), .integer(245)],
        ])
        XCTAssertEqual(TerminalTable(table, maxRows: 2).lines(), [
            "country        similarity    n",
            "─────────────  ──────────  ───",
            "China              0.5872  244",
            "United States      0.6048    9",
            "… 1 more rows (export to see all)",
        ])
    }

    func testBarsUseEighthBlocksAndShowIntervals() {
        let chart = TextBarChart(title: "Accuracy", unit: "%", bars: [
            Chart.Bar(label: "en_us", value: 60, low: 55, high: 65),
            Chart.Bar(label: "en_in", value: 15),
        ], barWidth: 8)
        XCTAssertEqual(chart.lines(), [
            "Accuracy  (%)",
            "en_us  ████████  60.0 [55.0, 65.0]",
            "en_in  ██        15.0",
        ])
    }

    func testBarsPrintTheDigitsTheirTableUses() {
        // A percentage of zero is "0.0" in the table, so in the bars too (not the "0.0000" of small values).
        let lines = TextBarChart(title: "Accuracy", unit: "%", bars: [
            Chart.Bar(label: "eng_Latn", value: 0, digits: 1),
            Chart.Bar(label: "deu_Latn", value: 1.5, digits: 1),
        ], barWidth: 8).lines()
        XCTAssertEqual(lines[1], "eng_Latn            0.0")
        XCTAssertEqual(lines[2], "deu_Latn  ████████  1.5")
    }

    func testDifferencesDrawBothSidesOfAnAxis() {
        let lines = TextBarChart(title: "Δ vs US", unit: "", bars: [
            Chart.Bar(label: "China", value: -0.02),
            Chart.Bar(label: "Brazil", value: 0.02),
        ], barWidth: 8).lines()
        XCTAssertEqual(lines[1], "China   ████│      -0.0200")
        XCTAssertEqual(lines[2], "Brazil      │████   0.0200")
    }

    func testStylingIsOffUnlessEnabled() {
        XCTAssertEqual(TextStyle.plain.bold("x"), "x")
        XCTAssertEqual(TextStyle.ansi.bold("x"), "\u{1B}[1mx\u{1B}[0m")
    }

    func testWideCharactersCountTwice() {
        XCTAssertEqual(displayWidth("한국"), 4)
        XCTAssertEqual(displayWidth("Côte d’Ivoire"), 13)
    }
}
