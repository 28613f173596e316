import XCTest
@testable import Datasets
import TestSupport

final class CountryTableTests: XCTestCase {
    static let table: CountryTable? = try? CountryTable.load(
        naturalEarth: Paths.datasets + "/" + BundledData.naturalEarth,
        studyNames: Paths.datasets + "/" + BundledData.studyCountries)

    private func table() throws -> CountryTable { try XCTUnwrap(Self.table) }

    func testEveryGlobalOpinionsLabelResolves() throws {
        let table = try table()
        // The 138 labels of the released GOQA output header.
        let header = try CSVReader.read(path: Paths.datasets + "/paper-outputs/globalopinionsqa/Mistral-7B-v0.1_8bit.csv").header
        let labels = Array(header.dropFirst(9))
        XCTAssertEqual(labels.count, 138)
        for label in labels { XCTAssertNotNil(table.resolve(label), label) }
        let expected: [(String, String, String?)] = [
            ("Britain", "United Kingdom", nil), ("Great Britain", "United Kingdom", nil),
            ("S. Korea", "South Korea", nil), ("South Korea", "South Korea", nil),
            ("Czech Rep.", "Czech Republic", nil), ("Czechia", "Czech Republic", nil),
            ("Palest. ter.", "Palestine", nil), ("S. Africa (Non-national sample)", "South Africa", "Non-national sample"),
            ("India (Current national sample)", "India", "Current national sample"),
            ("India (Old national sample)", "India", "Old national sample"),
            ("United States", "United States of America", nil), ("Taiwan ROC", "Taiwan", nil),
            ("Northern Ireland", "United Kingdom", "Northern Ireland"), ("Serbia", "Republic of Serbia", nil),
        ]
        for (label, name, variant) in expected {
            let match = try XCTUnwrap(table.resolve(label), label)
            XCTAssertEqual(match.country.name, name, label)
            XCTAssertEqual(match.variant, variant, label)
        }
        XCTAssertTrue(try XCTUnwrap(table.resolve("India (Current national sample)")).isNational)
        XCTAssertFalse(try XCTUnwrap(table.resolve("Nigeria (Non-national sample)")).isNational)
    }

    func testStudyNamesNaturalEarthNamesAndCodes() throws {
        let table = try table()
        XCTAssertEqual(table.countries.count, 254)
        XCTAssertEqual(table.shapes.count, 177)
        // Every Natural Earth feature is one of the study's 254 names, with its codes.
        XCTAssertEqual(table.countries.filter { $0.naturalEarthCode != nil }.count, 177)
        XCTAssertEqual(table.resolve("Bosnia and Herz.")?.country.name, "Bosnia and Herzegovina")
        XCTAssertEqual(table.resolve("Côte d'Ivoire")?.country.name, "Ivory Coast")
        XCTAssertEqual(table.resolve("Dem. Rep. Korea")?.country.name, "North Korea")
        XCTAssertEqual(table.resolve("usa")?.country.iso3, "USA")
        XCTAssertEqual(table.resolve("GBR")?.country.name, "United Kingdom")
        XCTAssertEqual(table.resolve("Kosovo")?.country.iso3, nil)
        XCTAssertEqual(table.resolve("Kosovo")?.country.naturalEarthCode, "KOS")
        XCTAssertEqual(table.country(iso2: "ps")?.name, "Palestine")
        // Small places of the 254 without a 1:110m polygon still resolve, without map codes.
        XCTAssertEqual(table.resolve("Aruba")?.country.naturalEarthCode, nil)
        XCTAssertNil(table.resolve("Narnia"))
        XCTAssertEqual(table.suggestions(for: "Nigera"), ["Niger", "Nigeria"])
    }

    func testMapValuesPreferNationalLabels() throws {
        let placed = try table().mapValues([
            "Nigeria (Non-national sample)": 0.2, "Nigeria": 0.6, "Britain": 0.5, "Northern Ireland": 0.1,
            "Macau SAR": 0.3, "Atlantis": 1,
        ])
        XCTAssertEqual(placed.byCode["NGA"], 0.6)
        XCTAssertEqual(placed.byCode["GBR"], 0.5)
        XCTAssertEqual(Set(placed.unplaced), ["Nigeria (Non-national sample)", "Northern Ireland", "Macau SAR", "Atlantis"])
    }
}
