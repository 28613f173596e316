import XCTest
@testable import Shell

/// Completion comes from the same grammar the parser uses.
final class CompleterTests: XCTestCase {
    private func completer() -> Completer {
        Completer(table: .standard) { kind in
            switch kind {
            case .country: ["China", "Chile", "United States", "Jordan"]
            case .result: ["$1", "$2", "m245"]
            case .source: ["mistral", "m245"]
            case .dataset: ["goqa", "goqa[", "goqa[0:100]", "md3", "md3[en_ng]"]
            case .model: ["smollm"]
            default: []
            }
        }
    }

    private func candidates(_ text: String) -> [String] { completer().complete(text).candidates }

    func testCommandNames() {
        XCTAssertEqual(candidates("exp"), ["export"])
        XCTAssertEqual(candidates("op"), ["open", "opinions"])
    }

    func testOperandsOptionsFlagsAndKeywordsOfTheCommand() {
        XCTAssertEqual(candidates("opinions mi"), ["mistral"])
        let after = candidates("opinions mistral ")
        for expected in ["countries=", "common=", "reference=", "parse=", "paper", "on", "as"] {
            XCTAssertTrue(after.contains(expected), "\(expected) in \(after)")
        }
        XCTAssertEqual(candidates("opinions mistral pa"), ["paper", "parse="])
    }

    func testDatasetsAndSlicesAfterOn() {
        XCTAssertEqual(candidates("opinions mistral on go"), ["goqa", "goqa[", "goqa[0:100]"])
        XCTAssertEqual(candidates("dialects x on md3[e"), ["md3[en_ng]"])
    }

    func testCountryListsCompleteTheirLastItemAndQuoteNamesWithSpaces() {
        XCTAssertEqual(candidates("opinions m countries=Chi"), ["countries=China", "countries=Chile"].sorted())
        XCTAssertEqual(candidates("opinions m countries=China,Uni"), ["countries=\"China,United States\""])
    }

    func testHandlesAndChoices() {
        XCTAssertEqual(candidates("show $"), ["$1", "$2"])
        XCTAssertEqual(candidates("export m2"), ["m245"])
        XCTAssertEqual(candidates("set color="), ["color=auto", "color=off", "color=on"])
        XCTAssertEqual(candidates("plot $1 to x.svg style=m"), ["style=map"])
        XCTAssertEqual(candidates("compare $1 "), ["->"] + candidates("compare $1 ").dropFirst())
    }

    func testFilesAfterTo() throws {
        let directory = temporaryDirectory()
        FileManager.default.createFile(atPath: directory.appendingPathComponent("figure.svg").path, contents: Data())
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("figures"), withIntermediateDirectories: true)
        XCTAssertEqual(candidates("plot $1 to \(directory.path)/fig"),
                       ["\(directory.path)/figure.svg", "\(directory.path)/figures/"])
    }
}
