import Foundation
import Evaluations
import TextFormats

/// The file formats `export $N to FILE` writes, chosen by the file's extension.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, json, markdown = "md"

    /// The format for a file name, or nil when the extension is none of `.csv`, `.json`, `.md`.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: path[path.index(after: dot)...].lowercased())
    }

    /// The complete file text for `result`.
    public func render(_ result: any AnalysisResult) -> String {
        switch self {
        case .csv: CSVWriter.render(result.table())
        case .json: JSONResultWriter.render(result)
        case .markdown: MarkdownWriter.render(result)
        }
    }
}

/// RFC 4180 CSV: fields containing a comma, a double quote, CR or LF are quoted, with quotes doubled. Lines end in
/// LF (RFC 4180 says CRLF; every reader the study's tools use accepts LF, and diffs stay readable).
public enum CSVWriter {
    public static func render(_ table: ResultTable) -> String {
        var text = table.columns.map(field).joined(separator: ",") + "\n"
        for row in table.rows {
            text += row.map { field($0.exportText) }.joined(separator: ",") + "\n"
        }
        return text
    }

    public static func field(_ text: String) -> String {
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// JSON with the keys in a fixed order: `kind`, `title`, `columns`, `rows` (one object per row, keyed by column),
/// `notes`. Numbers are written at full precision; NaN and missing cells are `null`.
public enum JSONResultWriter {
    public static func render(_ result: any AnalysisResult) -> String {
        let table = result.table()
        var text = "{\n"
        text += "  \"kind\": \(quote(result.kind.rawValue)),\n"
        text += "  \"title\": \(quote(result.title)),\n"
        text += "  \"columns\": [\(table.columns.map(quote).joined(separator: ", "))],\n"
        text += "  \"rows\": ["
        let rows = table.rows.map { row in
            let members = table.columns.enumerated().map { index, column in
                "\(quote(column)): \(value(index < row.count ? row[index] : .missing))"
            }
            return "    {" + members.joined(separator: ", ") + "}"
        }
        text += rows.isEmpty ? "],\n" : "\n" + rows.joined(separator: ",\n") + "\n  ],\n"
        text += "  \"notes\": [\(result.notes.map(quote).joined(separator: ", "))]\n"
        return text + "}\n"
    }

    static func value(_ cell: Cell) -> String {
        switch cell {
        case .text(let text): quote(text)
        case .integer(let value): String(value)
        case .number(let value, _): value.isFinite ? String(value) : "null"
        case .missing: "null"
        }
    }

    /// A JSON string literal, escaped as `json.dumps` does.
    public static func quote(_ text: String) -> String { JSONWriter.quoted(text) }
}

/// A Markdown table (GitHub flavour) with the title as a heading and the notes as a list; cells at display digits.
public enum MarkdownWriter {
    public static func render(_ result: any AnalysisResult) -> String {
        let table = result.table()
        var text = "## \(result.title)\n\n"
        text += "| " + table.columns.map(escape).joined(separator: " | ") + " |\n"
        let numeric = table.columns.indices.map { index in
            table.rows.contains { index < $0.count && $0[index].isNumeric }
        }
        text += "|" + numeric.map { $0 ? " ---: |" : " --- |" }.joined() + "\n"
        for row in table.rows {
            let cells = table.columns.indices.map { index in
                escape(index < row.count ? row[index].displayText : "")
            }
            text += "| " + cells.joined(separator: " | ") + " |\n"
        }
        if !result.notes.isEmpty {
            text += "\n" + result.notes.map { "- \(escapeLine($0))" }.joined(separator: "\n") + "\n"
        }
        return text
    }

    static func escape(_ text: String) -> String {
        escapeLine(text).replacingOccurrences(of: "|", with: "\\|")
    }

    static func escapeLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}
