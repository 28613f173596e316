import XCTest
@testable import Datasets
import TestSupport

final class CatalogAndSelectionTests: XCTestCase {
    func testSelectionParsing() throws {
        let cases: [(String, String, [DatasetSelection.Selector])] = [
            ("goqa[0:100]", "goqa", [.slice(start: 0, end: 100)]),
            ("goqa[country=Nigeria][0:100]", "goqa", [.filter(key: "country", value: "Nigeria"), .slice(start: 0, end: 100)]),
            ("goqa[source=WVS]", "goqa", [.filter(key: "source", value: "WVS")]),
            ("md3[en_ng]", "md3", [.word("en_ng")]),
            ("tydiqa[telugu][:50]", "tydiqa", [.word("telugu"), .slice(start: nil, end: 50)]),
            ("belebele[eng][:40]", "belebele", [.word("eng"), .slice(start: nil, end: 40)]),
            ("goqa[-10:]", "goqa", [.slice(start: -10, end: nil)]),
            ("goqa[7]", "goqa", [.index(7)]),
            ("goqa[country=United States]", "goqa", [.filter(key: "country", value: "United States")]),
            (#"goqa[country="Côte d'Ivoire [x]"]"#, "goqa", [.filter(key: "country", value: "Côte d'Ivoire [x]")]),
            ("askreddit", "askreddit", []),
        ]
        for (text, name, selectors) in cases {
            let selection = try DatasetSelection(parsing: text)
            XCTAssertEqual(selection.dataset, name, text)
            XCTAssertEqual(selection.selectors, selectors, text)
            // The text form round-trips.
            XCTAssertEqual(try DatasetSelection(parsing: selection.description), selection, text)
        }
    }

    func testSelectionSyntaxErrors() {
        let cases: [(String, String)] = [
            ("goqa[0:10", "missing ']' at position 10 of 'goqa[0:10'"),
            ("goqa[a:b]", "slice bounds must be integers, found 'a' at position 10 of 'goqa[a:b]'"),
            ("goqa[0:10:2]", "a slice is [start:end] (steps are not supported) at position 13 of 'goqa[0:10:2]'"),
            ("goqa[]", "empty selector '[]' at position 7 of 'goqa[]'"),
            ("goqa[=x]", "missing filter key before '=' at position 9 of 'goqa[=x]'"),
            ("[0:1]", "expected a dataset name at position 1 of '[0:1]'"),
            ("goqa]x", "dataset names are letters, digits, '_', '-' or '.' at position 1 of 'goqa]x'"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try DatasetSelection(parsing: text), text) { XCTAssertEqual("\($0)", message, text) }
        }
    }

    func testPythonSlices() {
        let items = Array(0..<10)
        XCTAssertEqual(pythonSlice(items, start: 2, end: 5), [2, 3, 4])
        XCTAssertEqual(pythonSlice(items, start: -3, end: nil), [7, 8, 9])
        XCTAssertEqual(pythonSlice(items, start: nil, end: -8), [0, 1])
        XCTAssertEqual(pythonSlice(items, start: 8, end: 100), [8, 9])
        XCTAssertEqual(pythonSlice(items, start: 5, end: 2), [])
    }

    func testRegisteringReadsNothingAndFirstUseParsesOnce() throws {
        let catalog = DatasetCatalog.bundled(root: Paths.datasets)
        XCTAssertEqual(catalog.entries.map(\.name), ["goqa", "md3", "tydiqa", "belebele", "askreddit", "wherefrom",
                                                     "country-filter", "gallup2023"])
        XCTAssertFalse(catalog.isLoaded("md3"))
        XCTAssertEqual(try catalog.load("md3").dataset.count, 894)
        XCTAssertTrue(catalog.isLoaded("md3"))
        XCTAssertFalse(catalog.isLoaded("tydiqa"))
        // A file registered under a name that does not exist yet is only checked when used.
        catalog.register(.init(name: "later", kind: .md3, path: "/nonexistent/items.csv"))
        XCTAssertThrowsError(try catalog.load("later")) { XCTAssertEqual("\($0)", "/nonexistent/items.csv: no such file") }
        XCTAssertThrowsError(try catalog.load("md4")) { XCTAssertTrue("\($0)".contains("did you mean md3")) }
    }

    func testSelectionsOnBundledData() throws {
        let catalog = DatasetCatalog.bundled(root: Paths.datasets)
        func count(_ text: String) throws -> Int { try catalog.select(DatasetSelection(parsing: text)).count }
        XCTAssertEqual(try count("md3[en_ng]"), 251)
        XCTAssertEqual(try count("md3[dialect=en_us][:10]"), 10)
        XCTAssertEqual(try count("tydiqa[telugu][:50]"), 50)
        XCTAssertEqual(try count("tydiqa[te]"), 669)
        XCTAssertEqual(try count("belebele[eng][:40]"), 40)
        XCTAssertEqual(try count("belebele[deu_Latn]"), 900)
        XCTAssertEqual(try count("goqa[0:100]"), 100)
        XCTAssertEqual(try count("askreddit[negative]"), 231)
        XCTAssertEqual(try count("wherefrom[:3]"), 3)
        // Country filters accept any name of the country: "United Kingdom" finds Britain and Great Britain.
        let nigeria = try count("goqa[country=Nigeria]")
        XCTAssertGreaterThan(nigeria, 0)
        XCTAssertEqual(try count("goqa[country=nigeria]"), nigeria)
        guard case .opinions(let uk) = try catalog.select(DatasetSelection(parsing: "goqa[country=United Kingdom]")) else {
            return XCTFail()
        }
        XCTAssertTrue(uk.allSatisfy { $0.countries.contains { ["Britain", "Great Britain"].contains($0.country) } })

        XCTAssertThrowsError(try count("md3[en_gb]")) { XCTAssertTrue("\($0)".contains("no item has 'en_gb'"), "\($0)") }
        XCTAssertThrowsError(try count("md3[colour=red]")) {
            XCTAssertEqual("\($0)", "unknown filter 'colour': this dataset filters by dialect")
        }
        XCTAssertThrowsError(try count("goqa[country=Nigera]")) { XCTAssertTrue("\($0)".contains("did you mean Nigeria"), "\($0)") }
        XCTAssertThrowsError(try count("goqa[source=WVS]")) {
            XCTAssertEqual("\($0)", "this dataset does not record 'source' (the original file does: open it with `open NAME PATH`)")
        }
        XCTAssertThrowsError(try count("wherefrom[en]")) { XCTAssertEqual("\($0)", "country lists only take slices such as [0:10]") }
    }

    func testOpenDetectsKinds() throws {
        let catalog = DatasetCatalog.bundled(root: Paths.datasets)
        let csv = try catalog.open(name: "goqa", path: try Paths.requireShared("goqa/global_opinions-row0.csv"))
        XCTAssertEqual(csv.kind, .goqa)
        guard case .opinions(let questions) = try catalog.load("goqa").dataset else { return XCTFail() }
        XCTAssertEqual(questions.count, 1)
        XCTAssertEqual(try catalog.select(DatasetSelection(parsing: "goqa[source=GAS]")).count, 1)
        XCTAssertEqual(try catalog.select(DatasetSelection(parsing: "goqa[country=Sweden][0:1]")).count, 1)
        XCTAssertEqual(try catalog.open(name: "mine", path: Paths.datasets + "/askreddit/AskRedditCountries_final.csv").kind, .askreddit)
        XCTAssertEqual(try catalog.open(name: "t", path: Paths.datasets + "/tydiqa/tydiqa-goldp-dev-english.json").kind, .tydiqa)
        XCTAssertThrowsError(try catalog.open(name: "x", path: "/nonexistent")) {
            XCTAssertEqual("\($0)", "/nonexistent: no such file or directory")
        }
    }

    func testSkipPolicyThroughTheCatalog() throws {
        let path = try Paths.temporaryDirectory() + "/items.csv"
        try Paths.write("transcript,correct_answer,distractors,dialect\n\"a\",Word,\"['x', 'y']\",en_us\nb,Word,\"['x'\",en_us\n", to: path)
        let catalog = DatasetCatalog()
        try catalog.open(name: "md3", path: path)
        XCTAssertThrowsError(try catalog.load("md3")) { XCTAssertTrue("\($0)".hasPrefix("\(path):3: distractors:"), "\($0)") }
        let lenient = try catalog.load("md3", policy: .skip)
        XCTAssertEqual(lenient.dataset.count, 1)
        XCTAssertEqual(lenient.skipped.count, 1)
        // Once a lenient read has skipped rows, a strict request still reports them.
        XCTAssertThrowsError(try catalog.load("md3"))
    }
}

extension CatalogAndSelectionTests {
    func testGallupAndCountryListsThroughTheCatalog() throws {
        let catalog = DatasetCatalog.bundled(root: Paths.datasets)
        XCTAssertEqual(try catalog.gallup(year: 2017).countries.first, "Canada")
        XCTAssertEqual(try catalog.gallup(year: 2023).countries.last, "North Korea")
        XCTAssertThrowsError(try catalog.gallup(year: 2020))
        XCTAssertEqual(try catalog.countries().count, 181)
        XCTAssertEqual(try catalog.countries("wherefrom").count, 254)
        XCTAssertThrowsError(try catalog.countries("md3")) { XCTAssertEqual("\($0)", "md3: is not a list of countries") }
    }
}
