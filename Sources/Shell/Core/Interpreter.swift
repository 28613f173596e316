import Evaluations
import InferenceAPI
import Reports

/// Runs statements against the command table and keeps the session's state: results, settings and the log
/// that `save` writes. The REPL, `-c`, `run FILE`, piped stdin and `replay` all go through ``execute(_:source:)``.
public final class Interpreter {
    public var table: CommandTable
    public let console: Console
    public var results = ResultStore()
    public var settings = Settings()
    /// Every successful recorded command with its output, in order.
    public private(set) var log: [SessionEntry] = []
    /// Set by Ctrl-C (see ``InterruptHandler``); reset before each command.
    public let cancellation: Cancellation
    /// Sources of model-free data the commands use (catalog, released outputs, country table …).
    public var services: Services

    /// Set by `quit`: the REPL and scripts stop after the current statement.
    public var shouldQuit = false

    /// The digest of the result the running command published, if any.
    private var publishedDigest: String?

    public init(console: Console, table: CommandTable = .standard, services: Services = Services(),
                cancellation: Cancellation = Cancellation()) {
        self.console = console
        self.table = table
        self.services = services
        self.cancellation = cancellation
    }

    /// Where a statement came from, for error messages: `FILE:LINE: …`.
    public struct Source: Sendable {
        public var name: String?
        public var firstLine: Int

        public init(name: String? = nil, firstLine: Int = 1) {
            self.name = name
            self.firstLine = firstLine
        }

        public static let interactive = Source()
    }

    /// Runs every statement in `text`, stopping at the first that fails. Returns whether all succeeded; errors
    /// are printed on stderr, prefixed with the source and line when the text came from a file.
    @discardableResult
    public func execute(_ text: String, source: Source = .interactive) -> Bool {
        let statements: [Statement]
        do {
            statements = try Lexer.statements(in: text, firstLine: source.firstLine)
        } catch {
            report(ShellError.syntax(error).description, source: source, line: nil)
            return false
        }
        for statement in statements where !shouldQuit {
            do {
                _ = try run(statement)
            } catch {
                report(message(for: error, statement: statement), source: source, line: statement.line)
                return false
            }
        }
        return true
    }

    /// Parses and runs one statement; returns what the session log records for it.
    public func run(_ statement: Statement) throws -> SessionEntry {
        let (command, invocation) = try Parser(table: table).parse(statement)
        cancellation.reset()
        publishedDigest = nil
        console.beginRecording()
        do {
            try command.run(invocation, self)
        } catch {
            _ = console.endRecording()
            throw error
        }
        let entry = SessionEntry(command: statement.text, output: console.endRecording(), digest: publishedDigest,
                                 line: statement.line)
        if command.isRecorded { log.append(entry) }
        return entry
    }

    /// Stores a command's result under the next handle (and its `as` name), prints it, and records its digest.
    /// `summary` prints the header, size and notes only: right for raw runs (thousands of rows) that analyses read.
    @discardableResult
    public func publish(_ result: any AnalysisResult, for invocation: Invocation, summary: Bool = false) -> ResultStore.Entry {
        let entry = results.add(result, name: invocation.resultName, command: invocation.text)
        publishedDigest = "\(entry.handle) \(ResultDigest.of(result))"
        render(entry, summary: summary)
        return entry
    }

    /// Prints a stored result: header, table, notes and (for per-country and per-dialect figures) bars.
    public func render(_ entry: ResultStore.Entry, summary: Bool = false) {
        let style = console.style
        console.print(style.bold(style.green(entry.label)) + " = " + style.bold(entry.result.title))
        if summary {
            let table = entry.result.table()
            let columns = table.columns.count > 8
                ? table.columns.prefix(6).joined(separator: ", ") + ", … (\(table.columns.count - 6) more columns)"
                : table.columns.joined(separator: ", ")
            console.print("\(table.rows.count) rows: \(columns) — 'show \(entry.handle)' prints them")
            for note in entry.result.notes { console.print(style.dim("· " + note)) }
            return
        }
        let table = TerminalTable(entry.result.table(), maxRows: max(1, settings.integer("rows")))
        console.print(lines: table.lines(style: style))
        for note in entry.result.notes { console.print(style.dim("· " + note)) }
        if settings["bars"] == "on", let chart = entry.result.chart {
            let width = max(10, min(50, console.columns - 50))
            console.print()
            console.print(lines: chart.terminalLines(style: style, width: width))
        }
    }

    /// A control for a long call: Ctrl-C cancels it; a progress bar shows on a terminal.
    public func runControl(label: String) -> (RunControl, ProgressBar?) {
        guard console.showsProgress else { return (RunControl(cancellation: cancellation), nil) }
        let bar = ProgressBar(label: label, console: console)
        return (RunControl(cancellation: cancellation, progress: { done, total in bar.update(done: done, total: total) }),
                bar)
    }

    func message(for error: any Error, statement: Statement) -> String {
        let verb = statement.tokens.first?.text ?? ""
        switch error {
        case let error as ShellError: return error.description
        case InferenceError.cancelled: return "\(verb): cancelled (Ctrl-C); finished work was kept"
        default: return "\(verb): \(error)"
        }
    }

    private func report(_ message: String, source: Source, line: Int?) {
        if let name = source.name {
            console.error("\(name):\(line ?? source.firstLine): \(message)")
        } else {
            console.error(message)
        }
    }

    /// Forgets the session log (for `replay`, which runs a file in a fresh interpreter).
    func childInterpreter() -> Interpreter {
        let child = Interpreter(console: console, table: table, services: services, cancellation: cancellation)
        child.settings = settings
        return child
    }

    /// Adopts the results of a replay, renumbering them after this session's own.
    func adopt(_ other: Interpreter) -> [ResultStore.Entry] {
        other.results.entries.map { results.add($0.result, name: $0.name, command: $0.command) }
    }
}
