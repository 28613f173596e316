import Evaluations
import XCTest
@testable import Reports

/// A result with every kind of cell, to pin the export formats byte for byte.
struct SampleResult: AnalysisResult {
    var kind: ResultKind = .opinions
    var title = "GlobalOpinionsQA similarity — test"
    var notes = ["n per country varies", "a note with \"quotes\""]
    var chart: Chart? = nil

    func table() -> ResultTable {
        ResultTable(columns: ["model", "country", "similarity", "questions", "ci_low", "ci_high"], rows: [
            [.text("zephyr"), .text("China"), .number(0.58720001, digits: 4), .integer(245), .number(0.5, digits: 4), .number(0.6, digits: 4)],
            [.text("zephyr"), .text("Korea, South"), .number(.nan, digits: 4), .integer(0), .missing, .missing],
            [.text("say \"hi\""), .text("line\nbreak"), .number(-1e-9, digits: 4), .integer(-3), .number(1, digits: 0), .text("a|b")],
        ])
    }
}

final class ExportTests: XCTestCase {
    func testCSVQuotesPerRFC4180AndKeepsFullPrecision() {
        let csv = ExportFormat.csv.render(SampleResult())
        XCTAssertEqual(csv, """
        model,country,similarity,questions,ci_low,ci_high
        zephyr,China,0.58720001,245,0.5,0.6
        zephyr,"Korea, South",NaN,0,,
        "say ""hi\""\","line
        break",-1e-09,-3,1.0,a|b

        """)
    }

    func testJSONHasFixedKeyOrderAndNullForMissing() {
        let json = ExportFormat.json.render(SampleResult())
        XCTAssertEqual(json, """
        {
          "kind": "opinions",
          "title": "GlobalOpinionsQA similarity — test",
          "columns": ["model", "country", "similarity", "questions", "ci_low", "ci_high"],
          "rows": [
            {"model": "zephyr", "country": "China", "similarity": 0.58720001, "questions": 245, "ci_low": 0.5, "ci_high": 0.6},
            {"model": "zephyr", "country": "Korea, South", "similarity": null, "questions": 0, "ci_low": null, "ci_high": null},
            {"model": "say \\"hi\\"", "country": "line\\nbreak", "similarity": -1e-09, "questions": -3, "ci_low": 1.0, "ci_high": "a|b"}
          ],
          "notes": ["n per country varies", "a note with \\"quotes\\""]
        }

        """)
        // And it is valid JSON that reads back.
        let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        XCTAssertEqual((object?["rows"] as? [[String: Any]])?.count, 3)
    }

    func testMarkdownAlignsNumbersAndEscapesPipes() {
        let markdown = ExportFormat.markdown.render(SampleResult())
        XCTAssertEqual(markdown, """
        ## GlobalOpinionsQA similarity — test

        | model | country | similarity | questions | ci_low | ci_high |
        | --- | --- | ---: | ---: | ---: | ---: |
        | zephyr | China | 0.5872 | 245 | 0.5000 | 0.6000 |
        | zephyr | Korea, South | NaN | 0 | — | — |
        | say "hi" | line break | -1.00e-09 | -3 | 1 | a\\|b |

        - n per country varies
        - a note with "quotes"

        """)
    }

    func testFormatChoosesByExtension() {
        XCTAssertEqual(ExportFormat(path: "out/x.CSV"), .csv)
        XCTAssertEqual(ExportFormat(path: "x.md"), .markdown)
        XCTAssertEqual(ExportFormat(path: "x.json"), .json)
        XCTAssertNil(ExportFormat(path: "x.txt"))
        XCTAssertNil(ExportFormat(path: "dir.csv/file"))
    }

    func testFixedFormattingRounds() {
        XCTAssertEqual(formatFixed(0.58725, digits: 4), "0.5873")  // stored just above the tie
        XCTAssertEqual(formatFixed(0.30015, digits: 4), "0.3001")  // stored just below it
        XCTAssertEqual(formatFixed(0.25, digits: 1), "0.2")  // an exact tie rounds to even
        XCTAssertEqual(formatFixed(0.6048, digits: 4), "0.6048")
        XCTAssertEqual(formatFixed(-0.01764, digits: 3), "-0.018")
        XCTAssertEqual(formatFixed(-0.00001, digits: 3), "0.000")
        XCTAssertEqual(formatFixed(51.85, digits: 1), "51.9")
        XCTAssertEqual(formatFixed(7, digits: 0), "7")
        XCTAssertEqual(formatFixed(.nan, digits: 2), "NaN")
    }
}
