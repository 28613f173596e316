import Evaluations

/// Renders a ``ResultTable`` as aligned text: numbers right-aligned, text left-aligned, a rule under the header.
public struct TerminalTable: Sendable {
    public var table: ResultTable
    /// Rows beyond this are elided with a count, so a 2,556-row result does not flood the terminal.
    public var maxRows: Int

    public init(_ table: ResultTable, maxRows: Int = .max) {
        self.table = table
        self.maxRows = maxRows
    }

    public func lines(style: TextStyle = .plain) -> [String] {
        let shown = Array(table.rows.prefix(maxRows))
        let columnCount = table.columns.count
        var widths = table.columns.map(displayWidth)
        var numeric = Array(repeating: false, count: columnCount)
        for row in shown {
            for (index, cell) in row.enumerated() where index < columnCount {
                widths[index] = max(widths[index], displayWidth(cell.displayText))
                if cell.isNumeric { numeric[index] = true }
            }
        }
        let header = table.columns.enumerated().map { index, name in
            pad(name, to: widths[index], right: numeric[index])
        }
        var lines = [style.bold(trimmedRight(header.joined(separator: "  ")))]
        lines.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        for row in shown {
            let cells = (0..<columnCount).map { index in
                let cell = index < row.count ? row[index] : .missing
                return pad(cell.displayText, to: widths[index], right: numeric[index])
            }
            lines.append(trimmedRight(cells.joined(separator: "  ")))
        }
        if table.rows.count > shown.count {
            lines.append(style.dim("… \(table.rows.count - shown.count) more rows (export to see all)"))
        }
        return lines
    }

    private func trimmedRight(_ line: String) -> String {
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }
}
