import Evaluations

/// Horizontal bar charts drawn with Unicode block characters, for per-country and per-dialect figures.
///
/// Positive-only charts use eighth blocks (▏▎▍▌▋▊▉█) for sub-character resolution. Charts with negative values
/// (differences to a reference country) draw both sides of a zero axis in whole blocks, because Unicode has no
/// left-aligned eighth blocks to grow leftwards.
public struct TextBarChart: Sendable {
    public var title: String
    public var unit: String
    public var bars: [Chart.Bar]
    /// Columns available for the bars themselves.
    public var barWidth: Int

    public init(title: String, unit: String, bars: [Chart.Bar], barWidth: Int = 40) {
        self.title = title
        self.unit = unit
        self.bars = bars
        self.barWidth = max(8, barWidth)
    }

    /// Decimals for the printed values: what the result's table uses when the chart says (percentages: one),
    /// else four for small values (similarities and their differences) and one for large ones.
    var digits: Int {
        if let given = bars.compactMap(\.digits).max() { return given }
        let largest = bars.map { abs($0.value) }.filter(\.isFinite).max() ?? 0
        return largest < 2 ? 4 : 1
    }

    public func lines(style: TextStyle = .plain) -> [String] {
        guard !bars.isEmpty else { return [style.bold(title), "(no values)"] }
        let labelWidth = min(28, bars.map { displayWidth($0.label) }.max() ?? 0)
        let finite = bars.map(\.value).filter(\.isFinite)
        let low = min(0, finite.min() ?? 0)
        let high = max(0, finite.max() ?? 0)
        let span = high - low
        var lines = [style.bold(title) + (unit.isEmpty ? "" : style.dim("  (\(unit))"))]
        let values = bars.map { formatFixed($0.value, digits: digits) }
        let valueWidth = values.map(\.count).max() ?? 0
        for (bar, valueText) in zip(bars, values) {
            let label = pad(truncated(bar.label, to: labelWidth), to: labelWidth, right: false)
            let drawn: String
            if !bar.value.isFinite || span == 0 {
                drawn = String(repeating: " ", count: barWidth)
            } else if low < 0 {
                drawn = twoSided(bar.value, low: low, span: span)
            } else {
                drawn = oneSided(bar.value / span)
            }
            var value = pad(valueText, to: valueWidth, right: true)
            if let lo = bar.low, let hi = bar.high {
                value += style.dim(" [\(formatFixed(lo, digits: digits)), \(formatFixed(hi, digits: digits))]")
            }
            lines.append("\(label)  \(style.cyan(drawn))  \(value)")
        }
        return lines
    }

    private func oneSided(_ fraction: Double) -> String {
        let eighths = Int((max(0, min(1, fraction)) * Double(barWidth * 8)).rounded())
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var text = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { text.append(partials[eighths % 8 - 1]) }
        return text + String(repeating: " ", count: barWidth - displayWidth(text))
    }

    private func twoSided(_ value: Double, low: Double, span: Double) -> String {
        let zero = Int((Double(barWidth) * -low / span).rounded())
        let length = Int((Double(barWidth) * abs(value) / span).rounded())
        var cells = Array(repeating: Character(" "), count: barWidth + 1)
        let range = value < 0 ? max(0, zero - length)..<zero : (zero + 1)..<min(barWidth + 1, zero + 1 + length)
        for index in range { cells[index] = "█" }
        cells[zero] = "│"
        return String(cells)
    }

    private func truncated(_ text: String, to width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        var result = ""
        for character in text {
            if displayWidth(result + String(character)) >= width { break }
            result.append(character)
        }
        return result + "…"
    }
}
