import Evaluations

/// Horizontal bars with 95% CI whiskers, a labelled value axis, gridlines and a zero line for differences.
struct BarChartSVG {
    var title: String
    var unit: String
    var bars: [Chart.Bar]

    func render() -> String {
        let rowHeight = 20.0, barHeight = 14.0
        let labelWidth = min(220, 16 + 6.6 * Double(bars.map { $0.label.count }.max() ?? 4))
        let width = 820.0
        let plotLeft = labelWidth, plotRight = width - 90
        let top = 64.0
        let height = top + Double(bars.count) * rowHeight + 56

        var extremes = [0.0]
        for bar in bars where bar.value.isFinite {
            extremes += [bar.value, bar.low ?? bar.value, bar.high ?? bar.value].filter(\.isFinite)
        }
        let ticks = niceTicks(low: extremes.min()!, high: extremes.max()!, count: 6)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let low = min(ticks.first ?? 0, extremes.min()!), high = max(ticks.last ?? 1, extremes.max()!)
        let domainLow = low < ticks.first ?? low ? low - step : low
        let domainHigh = high > ticks.last ?? high ? high + step : high
        let span = domainHigh - domainLow == 0 ? 1 : domainHigh - domainLow
        func x(_ value: Double) -> Double { plotLeft + (value - domainLow) / span * (plotRight - plotLeft) }
        let digits = tickDigits(ticks)
        let valueDigits = bars.compactMap(\.digits).max() ?? ((extremes.map(abs).max() ?? 0) < 2 ? 4 : 1)

        var svg = SVGDocument(width: width, height: height)
        svg.text(title, x: width / 2, y: 26, size: 16, anchor: .middle, weight: "bold")
        let bottom = top + Double(bars.count) * rowHeight
        for tick in ticks {
            svg.line(x1: x(tick), y1: top - 4, x2: x(tick), y2: bottom, stroke: "#e0e0e0")
            svg.text(formatFixed(tick, digits: digits), x: x(tick), y: top - 8, size: 10, anchor: .middle, fill: "#555")
            svg.text(formatFixed(tick, digits: digits), x: x(tick), y: bottom + 14, size: 10, anchor: .middle, fill: "#555")
        }
        if domainLow < 0 { svg.line(x1: x(0), y1: top - 4, x2: x(0), y2: bottom, stroke: "#333", width: 1.2) }
        svg.text(unit, x: (plotLeft + plotRight) / 2, y: bottom + 34, size: 12, anchor: .middle, fill: "#333")

        for (index, bar) in bars.enumerated() {
            let y = top + Double(index) * rowHeight
            let middle = y + rowHeight / 2
            svg.text(bar.label, x: plotLeft - 8, y: middle + 4, size: 11, anchor: .end)
            guard bar.value.isFinite else {
                svg.text("no value", x: x(0) + 4, y: middle + 4, size: 10, fill: "#888")
                continue
            }
            let start = x(min(0, bar.value)), end = x(max(0, bar.value))
            var tooltip = "\(bar.label): \(formatFixed(bar.value, digits: valueDigits))"
            if let lo = bar.low, let hi = bar.high {
                tooltip += " (95% CI \(formatFixed(lo, digits: valueDigits))–\(formatFixed(hi, digits: valueDigits)))"
            }
            svg.rect(x: start, y: middle - barHeight / 2, width: end - start, height: barHeight,
                     fill: bar.value < 0 ? "#d6604d" : "#4393c3", tooltip: tooltip)
            if let lo = bar.low, let hi = bar.high, lo.isFinite, hi.isFinite {
                svg.line(x1: x(lo), y1: middle, x2: x(hi), y2: middle, stroke: "#222", width: 1.2)
                svg.line(x1: x(lo), y1: middle - 4, x2: x(lo), y2: middle + 4, stroke: "#222", width: 1.2)
                svg.line(x1: x(hi), y1: middle - 4, x2: x(hi), y2: middle + 4, stroke: "#222", width: 1.2)
            }
            svg.text(formatFixed(bar.value, digits: valueDigits), x: width - 12, y: middle + 4, size: 11, anchor: .end)
        }
        if bars.contains(where: { $0.low != nil }) {
            svg.text("whiskers: 95% confidence interval", x: width - 12, y: height - 8, size: 10, anchor: .end, fill: "#666")
        }
        return svg.render()
    }
}
