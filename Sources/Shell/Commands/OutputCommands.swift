import Foundation
import Reports

/// show, export, plot.
enum OutputCommands {
    static var all: [Command] { [show, export, plot] }

    static let show = Command(
        "show", group: .output, summary: "print a result again: table, notes and bars",
        examples: ["show $3", "show m245 rows=200"],
        syntax: Syntax([Operand("RESULT", .result)], options: [OptionSpec("rows", .integer, "rows to show")])
    ) { invocation, shell in
        let entry = try lookup(invocation, "RESULT", in: shell)
        let saved = shell.settings["rows"]
        defer { shell.settings["rows"] = saved }
        if let rows = invocation.option("rows") { shell.settings["rows"] = rows }
        shell.render(entry)
    }

    static let export = Command(
        "export", group: .output, summary: "write a result to .csv, .json or .md",
        details: """
        The format follows the extension. CSV is RFC 4180 (quoted where needed, LF line ends) with full-precision
        numbers; its columns are a published contract per result kind (README). JSON holds kind, title, columns,
        rows (objects keyed by column) and notes. Markdown is a table at display precision.
        """,
        examples: ["export $3 to opinions.csv", "export m245 to table.md"],
        syntax: Syntax([Operand("RESULT", .result)], clauses: [Clause("to", Operand("FILE", .file))])
    ) { invocation, shell in
        let entry = try lookup(invocation, "RESULT", in: shell)
        guard let path = invocation.clause("to") else { throw invocation.usageError("expected 'to FILE'") }
        guard let format = ExportFormat(path: path) else {
            throw invocation.usageError("expected a file ending in .csv, .json or .md, got '\(path)'")
        }
        try write(format.render(entry.result), to: path, invocation: invocation)
        shell.console.print("wrote \(entry.handle) to \(path) (\(format.rawValue), \(entry.result.table().rows.count) rows)")
    }

    static let plot = Command(
        "plot", group: .output, summary: "draw a result as SVG: bars with CI whiskers, a world map, a heatmap",
        details: """
        Per-country results draw as a world choropleth (Natural Earth 1:110m, Equal Earth projection) by default,
        as do bar charts of twenty or more countries; style=map draws any per-country bars as a map (the paper's
        seven-country differences, say) and style=bars draws a map's values as sorted bars. Correlation matrices
        draw as heatmaps.
        """,
        examples: ["plot $3 to opinions.svg", "plot m245 to m245-map.svg style=map", "plot ranks to ranks-bars.svg style=bars"],
        syntax: Syntax([Operand("RESULT", .result)], clauses: [Clause("to", Operand("FILE", .file))],
                       options: [OptionSpec("style", .choice(Plotter.Style.allCases.map(\.rawValue)),
                                            "auto picks from the result; bars, map or heatmap force one")])
    ) { invocation, shell in
        let entry = try lookup(invocation, "RESULT", in: shell)
        guard let path = invocation.clause("to") else { throw invocation.usageError("expected 'to FILE'") }
        guard path.lowercased().hasSuffix(".svg") else {
            throw invocation.usageError("expected a file ending in .svg, got '\(path)'")
        }
        guard let chart = entry.result.chart else {
            throw invocation.failure("\(entry.handle) (\(entry.result.kind.rawValue)) has no figure to plot")
        }
        let style = Plotter.Style(rawValue: invocation.option("style") ?? "auto") ?? .auto
        var world: WorldGeometry?
        if style == .map || style == .auto {
            do { world = try shell.services.worldLoader() } catch { throw invocation.failure("\(error)") }
        }
        let svg: String
        do {
            svg = try Plotter(world: world, resolveCountry: shell.services.resolveCountry).svg(chart, style: style)
        } catch { throw invocation.failure("\(error)") }
        try write(svg, to: path, invocation: invocation)
        shell.console.print("wrote \(entry.handle) to \(path)")
    }

    /// Finds a result by handle or name, with a did-you-mean over the session's references.
    static func lookup(_ invocation: Invocation, _ operand: String, in shell: Interpreter) throws -> ResultStore.Entry {
        let reference = try invocation.require(operand)
        return try lookup(reference, invocation: invocation, in: shell)
    }

    static func lookup(_ reference: String, invocation: Invocation, in shell: Interpreter) throws -> ResultStore.Entry {
        if let entry = shell.results.lookup(reference) { return entry }
        let known = shell.results.references
        let hint = known.isEmpty ? " (no results yet)" : Suggest.didYouMean(reference, in: known)
        throw invocation.failure("no result '\(reference)'\(hint)")
    }

    static func write(_ text: String, to path: String, invocation: Invocation) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw invocation.failure("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
