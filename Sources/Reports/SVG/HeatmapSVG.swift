/// A labelled square matrix (Spearman ρ between models) as coloured cells with the value printed in each.
struct HeatmapSVG {
    var title: String
    var labels: [String]
    var values: [[Double]]

    func render() -> String {
        let count = labels.count
        let cell = max(44, min(90, 560 / Double(max(1, count))))
        let labelSpace = min(220, 16 + 6.6 * Double(labels.map(\.count).max() ?? 4))
        let left = labelSpace, top = 50 + labelSpace
        let width = left + cell * Double(count) + 130
        let height = top + cell * Double(count) + 30
        let flat = values.flatMap { $0 }
        let scale = flat.allSatisfy { $0.isNaN || ($0 >= -1 && $0 <= 1) }
            ? ColorScale(low: -1, high: 1, palette: .diverging)
            : ColorScale(covering: flat)

        var svg = SVGDocument(width: width, height: height)
        svg.text(title, x: width / 2, y: 26, size: 16, anchor: .middle, weight: "bold")
        for (index, label) in labels.enumerated() {
            let centre = Double(index) * cell + cell / 2
            svg.text(label, x: left - 8, y: top + centre + 4, size: 11, anchor: .end)
            svg.text(label, x: left + centre + 4, y: top - 8, size: 11, rotate: -55)
        }
        for row in 0..<count {
            for column in 0..<count {
                let value = row < values.count && column < values[row].count ? values[row][column] : .nan
                let x = left + Double(column) * cell, y = top + Double(row) * cell
                svg.rect(x: x, y: y, width: cell, height: cell, fill: scale.color(value), stroke: "#ffffff",
                         tooltip: "\(labels[row]) × \(labels[column]): \(value.isNaN ? "n/a" : formatFixed(value, digits: 3))")
                svg.text(value.isNaN ? "n/a" : formatFixed(value, digits: 2), x: x + cell / 2, y: y + cell / 2 + 4,
                         size: 11, anchor: .middle, fill: value.isNaN ? "#555" : scale.textColor(value))
            }
        }
        Legend(scale: scale, x: left + cell * Double(count) + 40, y: top, length: cell * Double(count))
            .drawVertical(into: &svg)
        return svg.render()
    }
}

/// A colour ramp with ticks, vertical (beside a heatmap) or horizontal (under a map).
struct Legend {
    var scale: ColorScale
    var x: Double
    var y: Double
    var length: Double
    var title: String = ""

    private var ticks: [Double] { niceTicks(low: scale.low, high: scale.high, count: 4) }
    private let steps = 48

    func drawVertical(into svg: inout SVGDocument) {
        let slice = length / Double(steps)
        for step in 0..<steps {
            let value = scale.high - (scale.high - scale.low) * (Double(step) + 0.5) / Double(steps)
            svg.rect(x: x, y: y + Double(step) * slice, width: 16, height: slice + 0.5, fill: scale.color(value))
        }
        let digits = tickDigits(ticks)
        for tick in ticks {
            let ty = y + (scale.high - tick) / (scale.high - scale.low) * length
            svg.line(x1: x + 16, y1: ty, x2: x + 20, y2: ty, stroke: "#333")
            svg.text(formatFixed(tick, digits: digits), x: x + 23, y: ty + 4, size: 10)
        }
    }

    func drawHorizontal(into svg: inout SVGDocument) {
        let slice = length / Double(steps)
        if !title.isEmpty { svg.text(title, x: x + length / 2, y: y - 6, size: 11, anchor: .middle, fill: "#333") }
        for step in 0..<steps {
            let value = scale.low + (scale.high - scale.low) * (Double(step) + 0.5) / Double(steps)
            svg.rect(x: x + Double(step) * slice, y: y, width: slice + 0.5, height: 12, fill: scale.color(value))
        }
        let digits = tickDigits(ticks)
        for tick in ticks {
            let tx = x + (tick - scale.low) / (scale.high - scale.low) * length
            svg.line(x1: tx, y1: y + 12, x2: tx, y2: y + 16, stroke: "#333")
            svg.text(formatFixed(tick, digits: digits), x: tx, y: y + 27, size: 10, anchor: .middle)
        }
    }
}
