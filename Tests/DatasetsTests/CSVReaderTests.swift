import XCTest
@testable import Datasets
import TestSupport

final class CSVReaderTests: XCTestCase {
    private func read(_ text: String, policy: MalformedRowPolicy = .fail) throws -> CSVTable {
        try CSVReader.read(bytes: Array(text.utf8), file: "t.csv", policy: policy)
    }

    func testQuotedFieldsSpanLinesAndEscapeQuotes() throws {
        let table = try read("a,b\r\n\"x, \"\"y\"\"\nz\",2\n3,\"\"\n")
        XCTAssertEqual(table.header, ["a", "b"])
        XCTAssertEqual(table.records.map(\.fields), [["x, \"y\"\nz", "2"], ["3", ""]])
        XCTAssertEqual(table.records.map(\.line), [2, 4])
    }

    func testByteOrderMarkAndMissingFinalNewline() throws {
        let table = try read("\u{FEFF}X.1,% fav\nCanada  :ca:,88")
        XCTAssertEqual(table.header, ["X.1", "% fav"])
        XCTAssertEqual(table.records.first?.fields, ["Canada  :ca:", "88"])
    }

    func testWrongFieldCountNamesTheLine() {
        XCTAssertThrowsError(try read("a,b\n1,2\n\"multi\nline\",2,3\n")) { error in
            XCTAssertEqual("\(error)", "t.csv:3: expected 2 fields, found 3")
        }
    }

    func testUnterminatedQuoteIsAlwaysAnError() {
        for policy in [MalformedRowPolicy.fail, .skip] {
            XCTAssertThrowsError(try read("a,b\n1,2\n3,\"open\n4,5\n", policy: policy)) { error in
                XCTAssertEqual("\(error)", "t.csv:3: unterminated quoted field")
            }
        }
    }

    func testTextAfterClosingQuoteAndStrayQuotes() {
        XCTAssertThrowsError(try read("a,b\n\"x\"y,2\n")) { XCTAssertEqual("\($0)", "t.csv:2: unexpected character after a closing quote") }
        XCTAssertThrowsError(try read("a,b\nx\"y,2\n")) { XCTAssertEqual("\($0)", "t.csv:2: quote inside an unquoted field") }
    }

    func testSkipPolicyCountsMalformedRows() throws {
        let table = try read("a,b\n1,2\n1,2,3\n\"x\"y,2\n5,6\n\u{FF}", policy: .skip)
        XCTAssertEqual(table.records.map(\.fields), [["1", "2"], ["5", "6"]])
        XCTAssertEqual(table.skipped.count, 3)
        XCTAssertEqual(table.skipped.examples.first?.line, 3)
    }

    func testInvalidUTF8IsReported() {
        XCTAssertThrowsError(try CSVReader.read(bytes: Array("a\n".utf8) + [0xC3, 0x28, 0x0A], file: "u.csv")) { error in
            XCTAssertEqual("\(error)", "u.csv:2: invalid UTF-8")
        }
    }

    func testTabSeparated() throws {
        let table = try CSVReader.read(bytes: Array("a\tb\nx y\t\"q\tq\"\n".utf8), file: "t.tsv", delimiter: UInt8(ascii: "\t"))
        XCTAssertEqual(table.records.first?.fields, ["x y", "q\tq"])
    }

    func testEmptyFileAndMissingColumn() throws {
        XCTAssertThrowsError(try read("")) { XCTAssertEqual("\($0)", "t.csv:1: empty file: expected a header row") }
        let table = try read("a,b\n")
        XCTAssertThrowsError(try table.column("c")) { XCTAssertEqual("\($0)", "t.csv:1: missing column 'c' (columns: a, b)") }
    }

    /// Every CSV the study released parses strictly with the same shape Python's csv module sees.
    func testReleasedFilesParseStrictly() throws {
        let files = [
            "paper-outputs/globalopinionsqa/Mistral-7B-v0.1_8bit.csv": (2556, 147),
            "paper-outputs/md3-game/zephyr-7b-beta_8bit-no-answers.csv": (894, 15),
            "paper-outputs/ask-reddit-reward/starling-rm-7b-alpha-reformatted.csv": (554, 263),
            "askreddit/AskRedditCountries_final.csv": (554, 5),
        ]
        for (file, shape) in files {
            let table = try CSVReader.read(path: try Paths.requireShared(file))
            XCTAssertEqual(table.records.count, shape.0, file)
            XCTAssertEqual(table.header.count, shape.1, file)
        }
    }
}
