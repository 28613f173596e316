import Evaluations
import Foundation
import InferenceAPI
import Reports
import TestSupport
@testable import Shell

/// A console that keeps what it writes. Every in-process shell of the tests is made with one, so creating it
/// also moves the results cache off the user's (``TestHome``).
final class CapturedConsole {
    var out = ""
    var err = ""

    init() { TestHome.isolate() }
    lazy var console = Console(style: .plain, errorStyle: .plain, showsProgress: false, columns: 100,
                               writeOut: { [unowned self] in self.out += $0 },
                               writeError: { [unowned self] in self.err += $0 })
}

/// A per-country result whose numbers the tests choose.
struct CountryFigures: AnalysisResult {
    var kind: ResultKind = .opinions
    var model: String
    var values: [(String, Double)]
    var title: String { "Opinion similarity — \(model)" }
    var notes: [String] { ["\(values.count) countries"] }
    var chart: Chart? { .countries(title: title, unit: "similarity", values: Dictionary(uniqueKeysWithValues: values)) }

    func table() -> ResultTable {
        ResultTable(columns: ["model", "country", "similarity", "questions", "ci_low", "ci_high"],
                    rows: values.map { [.text(model), .text($0.0), .number($0.1, digits: 4), .integer(245),
                                        .number(0.5, digits: 4), .number(0.75, digits: 4)] })
    }
}

/// `figures MODEL [scale=X]`: publishes a ``CountryFigures`` (values multiplied by `scale`), so interpreter
/// tests can produce, name, export and replay results without the data modules.
let figuresCommand = Command(
    "figures", group: .analyses, summary: "test figures",
    syntax: Syntax([Operand("MODEL", .source)], options: [OptionSpec("scale", .number, "multiplier")],
                   producesResult: true)
) { invocation, shell in
    let scale = try invocation.number("scale", default: 1)
    let model = try invocation.require("MODEL")
    shell.publish(CountryFigures(model: model, values: [("China", 0.5872 * scale), ("United States", 0.6048 * scale),
                                                        ("Jordan", 0.5888 * scale)]), for: invocation)
}

func makeInterpreter(_ captured: CapturedConsole) -> Interpreter {
    var table = CommandTable.standard
    table.add(figuresCommand)
    return Interpreter(console: captured.console, table: table)
}

func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

enum PathsForTests {
    /// The reference data (tests may read it; the product may not): see ``TestFiles/sharedDirectory``.
    static let shared = TestFiles.sharedDirectory
    /// The repository root.
    static let repository = TestFiles.repositoryRoot
}

enum WorldGeometryLoader {
    static func load(_ path: String) throws -> WorldGeometry { try WorldGeometry(contentsOf: path) }
}
