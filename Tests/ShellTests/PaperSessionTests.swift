import Datasets
import Foundation
import XCTest
@testable import Shell

/// The shipped `Sessions/paper-figures.alignscope` reproduces every recorded table from the bundled released
/// outputs, and the analysis commands reach the paper's numbers through the command language.
final class PaperSessionTests: XCTestCase {
    private var savedDirectory = ""

    override func setUp() {
        // Session files name `Datasets/…` relative to the repository root, as the README runs them.
        savedDirectory = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(PathsForTests.repository.path)
    }

    override func tearDown() { FileManager.default.changeCurrentDirectoryPath(savedDirectory) }

    private func bundledInterpreter(_ captured: CapturedConsole) -> Interpreter {
        let root = PathsForTests.repository.appendingPathComponent("Datasets").path
        return Interpreter(console: captured.console, services: Services(catalog: .bundled(root: root)))
    }

    func testPaperFiguresSessionReplaysClean() {
        let captured = CapturedConsole()
        let shell = bundledInterpreter(captured)
        XCTAssertTrue(shell.execute("replay Sessions/paper-figures.alignscope --check"), captured.err)
        XCTAssertTrue(captured.out.contains("✓ 27 of 27 recorded outputs reproduced"), captured.out)
    }

    func testReferenceNumbersThroughTheCommandLanguage() {
        let captured = CapturedConsole()
        let shell = bundledInterpreter(captured)
        XCTAssertTrue(shell.execute("""
            set bars=off
            import mistral from Datasets/paper-outputs/globalopinionsqa/Mistral-7B-v0.1_8bit.csv as run
            opinions run paper
            import starling from paper-outputs/ask-reddit-reward/starling-rm-7b-alpha-reformatted.csv
            rank starling
            correlate $last
            """), captured.err)
        for line in ["mistral  China              0.5872        244", "mistral  Jordan             0.5888        245",
                     "mistral  Australia          0.6148        244",
                     "starling  Gallup 2017  0.9259740  1.78e-09  21", "starling  Gallup 2023  0.8493506  1.12e-06  21"] {
            XCTAssertTrue(captured.out.contains(line), "missing '\(line)' in\n\(captured.out)")
        }
    }

    func testAnalysisCommandsSayWhatTheyNeed() {
        let cases: [(String, String)] = [
            ("opinions nobody", "opinions: no result or model 'nobody'; import a globalopinionsqa output file or load a model first"),
            ("import x from Datasets/paper-outputs/md3-game/Mistral-7B-v0.1_8bit-no-answers.csv; opinions x",
             "opinions: $1 (x) is MD3 word game outputs — x (894 games), not GlobalOpinionsQA option probabilities; import a globalopinionsqa output file or load a model first"),
            ("import x from nowhere.csv", "import: nowhere.csv: no such file or directory"),
            ("import x", "import: expected 'from FILE' (usage: import NAME from FILE [skip-malformed] [as NAME])"),
            ("import x from Datasets/paper-outputs/globalopinionsqa/zephyr-7b-beta_8bit.csv; opinions x parse=correct",
             "opinions: parse= recomputes similarities and needs 'on goqa' (usage: opinions SOURCE [on DATASET] [countries=…] [common=…] [reference=…] [parse=…] [resamples=…] [paper] [as NAME])"),
            ("import x from Datasets/paper-outputs/globalopinionsqa/zephyr-7b-beta_8bit.csv; opinions x on goqa[0:"
                + "5", "syntax error: line 1: '[' without a closing ']'"),
            ("correlate", "correlate: expected SOURCE (usage: correlate SOURCE … [with=…] [as NAME])"),
            ("compare a ->", "compare: expected a chain of at least two results or sources joined by '->' (usage: compare A -> B [-> C …] [as NAME])"),
            ("open goqa /no/such.csv", "open: /no/such.csv: no such file or directory"),
        ]
        for (command, expected) in cases {
            let captured = CapturedConsole()
            XCTAssertFalse(bundledInterpreter(captured).execute(command), command)
            XCTAssertEqual(captured.err, "error: \(expected)\n", command)
        }
    }

    func testOpinionsRecomputedWithTheCorrectParseOnTheBundledPairs() {
        let captured = CapturedConsole()
        let shell = bundledInterpreter(captured)
        XCTAssertTrue(shell.execute("""
            set bars=off
            import mistral from Datasets/paper-outputs/globalopinionsqa/Mistral-7B-v0.1_8bit.csv as run
            opinions run on goqa countries=Nigeria,Britain reference=none resamples=50
            opinions run on goqa parse=released-quirk countries=Nigeria reference=none resamples=50
            """), captured.err)
        XCTAssertTrue(captured.out.contains("similarities recomputed with the correct parse"), captured.out)
        XCTAssertTrue(captured.out.contains("similarities recomputed with the released-quirk parse"), captured.out)
    }
}

/// `Sessions/smollm2-tour.alignscope`: a live run of every analysis on the real SmolLM2 replays to the digit.
final class TourSessionTests: XCTestCase {
    func testSmolLM2TourReplaysClean() throws {
        guard ModelCommandTests.smollm2Model != nil else {
            throw XCTSkip("SmolLM2 GGUF not fetched (scripts/fetch-smollm2.sh)")
        }
        let saved = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(PathsForTests.repository.path)
        defer { FileManager.default.changeCurrentDirectoryPath(saved) }
        let captured = CapturedConsole()
        let root = PathsForTests.repository.appendingPathComponent("Datasets").path
        let shell = Interpreter(console: captured.console, services: Services(catalog: .bundled(root: root)))
        XCTAssertTrue(shell.execute("replay Sessions/smollm2-tour.alignscope --check"), captured.out + captured.err)
        XCTAssertTrue(captured.out.contains("✓ 12 of 12 recorded outputs reproduced"), captured.out)
    }
}

/// `plot` draws any per-country result as a world map: the paper's differences on request, many countries by default.
final class MapPlotTests: XCTestCase {
    func testPerCountryOpinionsDrawAsWorldMaps() throws {
        let saved = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(PathsForTests.repository.path)
        defer { FileManager.default.changeCurrentDirectoryPath(saved) }
        let directory = temporaryDirectory()
        let captured = CapturedConsole()
        let shell = Interpreter(console: captured.console, services: .bundled)
        XCTAssertTrue(shell.execute("""
            set bars=off
            import zephyr from Datasets/paper-outputs/globalopinionsqa/zephyr-7b-beta_8bit.csv as run
            opinions run paper as z245
            plot z245 to '\(directory.path)/z245-map.svg' style=map
            plot z245 to '\(directory.path)/z245-bars.svg'
            opinions run resamples=20 as all
            plot all to '\(directory.path)/all.svg'
            """), captured.err)
        let map = try String(contentsOfFile: directory.path + "/z245-map.svg", encoding: .utf8)
        XCTAssertTrue(map.contains("<title>China: -0.0236</title>"), String(map.prefix(300)))
        XCTAssertTrue(map.contains("<title>Nigeria: -0.0255</title>"))
        XCTAssertTrue(try String(contentsOfFile: directory.path + "/z245-bars.svg", encoding: .utf8).contains("<rect x="))
        let all = try String(contentsOfFile: directory.path + "/all.svg", encoding: .utf8)
        XCTAssertTrue(all.contains("fill-rule=\"evenodd\"><title>Brazil: "), "many countries draw as a map by default")
        XCTAssertFalse(shell.execute("dialects run"))  // the wrong kind of run is refused, the shell goes on
        XCTAssertTrue(shell.execute("show all rows=1"))
    }
}
