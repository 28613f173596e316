import Evaluations
import FoundationXML
import TestSupport
import XCTest
@testable import Reports

final class PlotTests: XCTestCase {
    static let shared = TestFiles.sharedDirectory
    static let geojson = shared.appendingPathComponent("data/countries/ne_110m_admin_0_countries.geojson").path

    func testWorldMapFillsMatchedCountriesAndNamesTheRest() throws {
        let world = try WorldGeometry(contentsOf: Self.geojson)
        XCTAssertEqual(world.countries.count, 177)
        let values = ["China": 0.5872, "United States": 0.6048, "Jordan": 0.5888, "Britain": 0.6,
                      "Singapore": 0.59]
        let plotter = Plotter(world: world) { $0 == "Britain" ? "United Kingdom" : nil }
        let svg = try plotter.svg(.countries(title: "Opinion similarity", unit: "similarity", values: values))
        try assertWellFormed(svg)
        XCTAssertTrue(svg.contains(">Opinion similarity</text>"))
        XCTAssertTrue(svg.contains("<title>United Kingdom: 0.6000</title>"))
        XCTAssertTrue(svg.contains("<title>China: 0.5872</title>"))
        XCTAssertTrue(svg.contains("<title>Brazil: no data</title>"))
        XCTAssertTrue(svg.contains("Not on the 1:110m map (1): Singapore"))
        XCTAssertFalse(svg.contains("Antarctica"))
        // The lowest value takes the dark end of viridis, the highest the yellow end.
        XCTAssertTrue(svg.contains("fill=\"#440154\" fill-rule=\"evenodd\"><title>China"))
        XCTAssertTrue(svg.contains("fill=\"#fde725\" fill-rule=\"evenodd\"><title>United States"))
    }

    func testBarChartHasWhiskersAndZeroLine() throws {
        let chart = Chart.bars(title: "Δ similarity vs United States", unit: "difference", bars: [
            Chart.Bar(label: "China", value: -0.0176, low: -0.025, high: -0.01),
            Chart.Bar(label: "Brazil", value: 0.0042, low: -0.002, high: 0.011),
        ])
        let svg = try Plotter(world: nil).svg(chart)
        try assertWellFormed(svg)
        XCTAssertTrue(svg.contains("95% CI"))
        XCTAssertTrue(svg.contains("whiskers: 95% confidence interval"))
        XCTAssertTrue(svg.contains("#d6604d"))  // a negative bar
    }

    func testHeatmapPrintsEveryCell() throws {
        let svg = try Plotter(world: nil).svg(.matrix(title: "Spearman ρ of mean ranks", labels: ["mistral", "zephyr", "starling-rm"],
                                                     values: [[1, 0.93, 0.6], [0.93, 1, 0.51], [0.6, 0.51, 1]]))
        try assertWellFormed(svg)
        XCTAssertEqual(svg.components(separatedBy: "<rect x=").count - 1, 9 + 48)  // cells + legend steps
        XCTAssertTrue(svg.contains(">0.93</text>"))
    }

    func testUnsuitableStyleIsAnError() {
        XCTAssertThrowsError(try Plotter(world: nil).svg(.matrix(title: "m", labels: ["a"], values: [[1]]), style: .map))
    }

    func testMalformedGeoJSONNamesTheFile() {
        XCTAssertThrowsError(try WorldGeometry(geojson: Data("{\"type\": 3}".utf8), path: "bad.geojson")) { error in
            XCTAssertTrue("\(error)".hasPrefix("bad.geojson: not a Natural Earth GeoJSON file"))
        }
    }

    func testTicksAreRound() {
        XCTAssertEqual(niceTicks(low: 0, high: 0.61, count: 6), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
        XCTAssertEqual(niceTicks(low: -0.03, high: 0.012, count: 4), [-0.03, -0.02, -0.01, 0, 0.01])
    }

    private func assertWellFormed(_ svg: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let parser = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))",
                      file: file, line: line)
        if let directory = ProcessInfo.processInfo.environment["ALIGNSCOPE_PLOT_DIR"] {
            let name = "\(self.name.split(separator: " ").last ?? "plot")".filter { $0.isLetter }
            try svg.write(toFile: "\(directory)/\(name).svg", atomically: true, encoding: .utf8)
        }
    }
}
