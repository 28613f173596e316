import XCTest
@testable import Shell

final class InterpreterTests: XCTestCase {
    func testResultsGetHandlesAndNames() {
        let captured = CapturedConsole()
        let shell = makeInterpreter(captured)
        XCTAssertTrue(shell.execute("figures zephyr as z245; figures mistral"))
        XCTAssertTrue(captured.out.contains("$1 (z245) = Opinion similarity — zephyr"))
        XCTAssertTrue(captured.out.contains("$2 = Opinion similarity — mistral"))
        XCTAssertEqual(shell.results.lookup("z245")?.number, 1)
        XCTAssertEqual(shell.results.lookup("$last")?.number, 2)
        // A reused name moves to the newer result.
        XCTAssertTrue(shell.execute("figures other as z245"))
        XCTAssertEqual(shell.results.lookup("z245")?.number, 3)
        XCTAssertNil(shell.results.entries[0].name)
    }

    func testExportWritesTheContractFilesByteForByte() throws {
        let directory = temporaryDirectory()
        let captured = CapturedConsole()
        let shell = makeInterpreter(captured)
        let csv = directory.appendingPathComponent("o.csv").path
        let md = directory.appendingPathComponent("o.md").path
        XCTAssertTrue(shell.execute("figures zephyr as z; export z to '\(csv)'; export $1 to '\(md)'"), captured.err)
        XCTAssertEqual(try String(contentsOfFile: csv, encoding: .utf8), """
        model,country,similarity,questions,ci_low,ci_high
        zephyr,China,0.5872,245,0.5,0.75
        zephyr,United States,0.6048,245,0.5,0.75
        zephyr,Jordan,0.5888,245,0.5,0.75

        """)
        XCTAssertTrue(try String(contentsOfFile: md, encoding: .utf8).contains("| zephyr | United States | 0.6048 | 245 | 0.5000 | 0.7500 |"))
    }

    func testPlotWritesAWorldMapForPerCountryResults() throws {
        let directory = temporaryDirectory()
        let captured = CapturedConsole()
        let shell = makeInterpreter(captured)
        let geojson = PathsForTests.shared.appendingPathComponent("data/countries/ne_110m_admin_0_countries.geojson").path
        shell.services.worldLoader = { try WorldGeometryLoader.load(geojson) }
        let map = directory.appendingPathComponent("map.svg").path
        let bars = directory.appendingPathComponent("bars.svg").path
        XCTAssertTrue(shell.execute("figures z; plot $1 to '\(map)'; plot $1 to '\(bars)' style=bars"), captured.err)
        let svg = try String(contentsOfFile: map, encoding: .utf8)
        XCTAssertTrue(svg.contains("<title>Jordan: 0.5888</title>"), String(svg.prefix(400)))
        XCTAssertTrue(try String(contentsOfFile: bars, encoding: .utf8).contains("<rect x=\"") )
        XCTAssertFalse(shell.execute("plot $1 to x.png"))
        XCTAssertTrue(captured.err.contains("plot: expected a file ending in .svg, got 'x.png'"))
    }

    func testErrorsAreOneLineWithUsageAndSuggestions() {
        let cases: [(String, String)] = [
            ("opinoins z", "unknown command 'opinoins' — did you mean 'opinions'? (type 'help' for the list)"),
            ("zzz", "unknown command 'zzz' (type 'help' for the list)"),
            ("figurs z", "unknown command 'figurs' — did you mean 'figures'? (type 'help' for the list)"),
            ("figures", "figures: expected MODEL (usage: figures MODEL [scale=…] [as NAME])"),
            ("figures z scael=2", "figures: unknown option 'scael=' — did you mean 'scale='? (usage: figures MODEL [scale=…] [as NAME])"),
            ("figures z scale=big", "figures: scale= expects a number, got 'big' (usage: figures MODEL [scale=…] [as NAME])"),
            ("figures z extra", "figures: unexpected 'extra' (usage: figures MODEL [scale=…] [as NAME])"),
            ("figures z as", "figures: expected NAME after 'as' (usage: figures MODEL [scale=…] [as NAME])"),
            ("figures z as 9x", "figures: 'as' expects a name of letters, digits, '_' or '-', got '9x' (usage: figures MODEL [scale=…] [as NAME])"),
            ("show $7", "show: no result '$7' (no results yet)"),
            ("export $1", "export: expected 'to FILE' (usage: export RESULT to FILE)"),
            ("replay x --chek", "replay: unknown switch '--chek' — did you mean '--check'? (usage: replay FILE [--check])"),
            ("help nosuch", "help: no command 'nosuch' (usage: help [COMMAND])"),
            ("set color=blue", "set: color= expects one of auto, on, off, got 'blue' (usage: set [rows=…] [bars=…] [color=…] [method=…] [seed=…] [cache=…])"),
            ("sleep soon", "sleep: SECONDS expects a number, got 'soon' (usage: sleep SECONDS)"),
            ("results extra", "results: unexpected 'extra' (usage: results)"),
        ]
        for (command, expected) in cases {
            let captured = CapturedConsole()
            let shell = makeInterpreter(captured)
            XCTAssertFalse(shell.execute(command), command)
            XCTAssertEqual(captured.err, "error: \(expected)\n", command)
        }
    }

    func testEveryCommandRejectsAnUnknownOptionAndHasHelp() {
        let table = CommandTable.standard
        for command in table.commands {
            let captured = CapturedConsole()
            let shell = makeInterpreter(captured)
            XCTAssertFalse(shell.execute("\(command.name) bogus=1"), command.name)
            XCTAssertTrue(captured.err.hasPrefix("error: \(command.name): "), captured.err)
            XCTAssertTrue(captured.err.contains("bogus="), captured.err)
            XCTAssertTrue(captured.err.hasSuffix("(usage: \(command.usage))\n"), captured.err)
            XCTAssertFalse(command.summary.isEmpty)
            XCTAssertFalse(command.examples.isEmpty, "\(command.name) has no examples")
            XCTAssertTrue(shell.execute("help \(command.name)"))
            XCTAssertTrue(captured.out.contains("usage: \(command.usage)"))
        }
    }

    func testScriptsStopAtTheFirstFailureAndNameTheLine() {
        let captured = CapturedConsole()
        let shell = makeInterpreter(captured)
        XCTAssertFalse(shell.execute("figures a\n\nfigures b scale=x\nfigures c", source: .init(name: "s.alignscope")))
        XCTAssertEqual(shell.results.entries.count, 1)
        XCTAssertTrue(captured.err.hasPrefix("error: s.alignscope:3: figures: scale= expects a number"), captured.err)
    }

    func testCancellationStopsACommandAndTheShellGoesOn() {
        let captured = CapturedConsole()
        let shell = makeInterpreter(captured)
        let cancellation = shell.cancellation
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { cancellation.cancel() }
        XCTAssertFalse(shell.execute("sleep 30"))
        XCTAssertEqual(captured.err, "error: sleep: cancelled (Ctrl-C); finished work was kept\n")
        XCTAssertTrue(shell.execute("figures z"))  // the flag is reset for the next command
    }

    func testResultsAndHistoryListTheSession() {
        let captured = CapturedConsole()
        let shell = makeInterpreter(captured)
        XCTAssertTrue(shell.execute("results"))
        XCTAssertTrue(captured.out.hasPrefix("no results yet"))
        captured.out = ""
        XCTAssertTrue(shell.execute("figures zephyr as z; set rows=2; results; history"), captured.err)
        XCTAssertTrue(captured.out.contains("$1 (z)              opinions     Opinion similarity — zephyr"), captured.out)
        XCTAssertTrue(captured.out.hasSuffix("   1  figures zephyr as z\n   2  set rows=2\n"), captured.out)
    }
}
