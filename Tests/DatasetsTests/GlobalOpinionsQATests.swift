import XCTest
@testable import Datasets
import TestSupport

final class GlobalOpinionsQATests: XCTestCase {
    /// The authentic first row of the original CSV.
    func testOriginalCSVRow() throws {
        let loaded = try GlobalOpinionsQA.loadCSV(path: try Paths.requireShared("goqa/global_opinions-row0.csv"))
        XCTAssertEqual(loaded.skipped.count, 0)
        let question = try XCTUnwrap(loaded.questions.first)
        XCTAssertTrue(question.question.hasPrefix("When it comes to Germany’s decision-making"))
        XCTAssertEqual(question.options, ["Has too much influence", "Has too little influence",
                                          "Has about the right amount of influence", "DK/Refused"])
        XCTAssertEqual(question.source, "GAS")
        XCTAssertEqual(question.countries.map(\.country),
                       ["Belgium", "France", "Germany", "Greece", "Italy", "Netherlands", "Spain", "Sweden"])
        XCTAssertEqual(question.answers(of: "Germany")?.distribution,
                       [0.13131313131313133, 0.30303030303030304, 0.5252525252525253, 0.04040404040404041])
        XCTAssertTrue(question.origin.hasSuffix("global_opinions-row0.csv:2"))
    }

    /// The released code's parse: the last number of every list but the dict's last loses its final character.
    func testReleasedCodeQuirk() throws {
        let question = try XCTUnwrap(GlobalOpinionsQA.loadCSV(path: try Paths.requireShared("goqa/global_opinions-row0.csv")).questions.first)
        XCTAssertEqual(question.answers(of: "Belgium")?.releasedCodeParse, [0.21, 0.07, 0.69, 0.0])
        XCTAssertEqual(question.answers(of: "Germany")?.releasedCodeParse?.last, 0.0404040404040404)
        XCTAssertEqual(question.answers(of: "Italy")?.releasedCodeParse?.last, 0.00990099009900990)
        // Sweden closes the dict: its list keeps the bracket the parser meant to drop.
        XCTAssertEqual(question.answers(of: "Sweden")?.releasedCodeParse, [0.15, 0.02, 0.82, 0.01])
        XCTAssertEqual(question.answers(of: "Sweden")?.distribution(.releasedCodeQuirk), [0.15, 0.02, 0.82, 0.01])
    }

    func testNumericOptionsRenderAsPythonStr() throws {
        let directory = try Paths.temporaryDirectory()
        let path = directory + "/numeric.csv"
        try Paths.write("""
        question,selections,options,source
        "On a scale from 1 to 3?","defaultdict(<class 'list'>, {'Chile': [0.5, 0.25, 0.25], 'Peru': [1.0, 0.0, 0.0]})","[1.0, 2, 'Don\\'t know']",WVS

        """, to: path)
        let question = try XCTUnwrap(GlobalOpinionsQA.loadCSV(path: path).questions.first)
        XCTAssertEqual(question.options, ["1.0", "2", "Don't know"])
        XCTAssertEqual(question.source, "WVS")
    }

    func testMalformedRowsNameFileAndLine() throws {
        let directory = try Paths.temporaryDirectory()
        let path = directory + "/bad.csv"
        try Paths.write("""
        question,selections,options,source
        "Good?","defaultdict(<class 'list'>, {'Chile': [0.5, 0.5]})","['Yes', 'No']",GAS
        "Truncated?","defaultdict(<class 'list'>, {'Chile': [0.5, 0.5]","['Yes', 'No']",GAS
        "Mismatch?","defaultdict(<class 'list'>, {'Chile': [0.5, 0.25, 0.25]})","['Yes', 'No']",GAS
        "Options?","defaultdict(<class 'list'>, {'Chile': [1.0]})","['Yes'",GAS

        """, to: path)
        XCTAssertThrowsError(try GlobalOpinionsQA.loadCSV(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path):3: selections: unterminated dict at character 49")
        }
        let lenient = try GlobalOpinionsQA.loadCSV(path: path, policy: .skip)
        XCTAssertEqual(lenient.questions.map(\.question), ["Good?"])
        XCTAssertEqual(lenient.skipped.count, 3)
        XCTAssertEqual(lenient.skipped.examples.map(\.line), [3, 4, 5])
        XCTAssertEqual(lenient.skipped.examples[1].message, "selections: 'Chile' has 3 probabilities for 2 options")
    }

    func testPairsSubset() throws {
        let loaded = try GlobalOpinionsQA.loadPairs(path: Paths.datasets + "/goqa/goqa-pairs.json")
        XCTAssertEqual(loaded.questions.count, 1301)
        XCTAssertEqual(loaded.questions.map(\.countries.count).reduce(0, +), 4633)
        XCTAssertEqual(Set(loaded.questions.flatMap { $0.countries.map(\.country) }).count, 130)
        let first = try XCTUnwrap(loaded.questions.first?.countries.first)
        XCTAssertEqual(first.country, "Croatia")
        // The quirk works on the number's text as Python wrote it: 0.0 → "0." → 0.
        XCTAssertEqual(first.releasedCodeParse?.last, 0)
    }

    func testPairsWithWrongShapeAreReported() throws {
        let directory = try Paths.temporaryDirectory()
        let path = directory + "/pairs.json"
        try Paths.write("""
        [{"country": "Chile", "question": "Q?", "options": ["a", "b"], "distribution": [0.5, 0.5]},
         {"country": "Peru", "question": "Q?", "options": ["a", "b"], "distribution": [1.0]}]
        """, to: path)
        XCTAssertThrowsError(try GlobalOpinionsQA.loadPairs(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path):2: $[1]: 1 probabilities for 2 options")
        }
        XCTAssertEqual(try GlobalOpinionsQA.loadPairs(path: path, policy: .skip).skipped.count, 1)
    }
}
