import Evaluations

/// Draws a result's ``Chart`` as a standalone SVG document.
public struct Plotter: Sendable {
    /// Country outlines for choropleths; `nil` plots per-country values as bars instead.
    public var world: WorldGeometry?
    /// Maps a result's country label (GOQA "Britain", AskReddit "the Philippines" …) onto a Natural Earth name.
    public var resolveCountry: @Sendable (String) -> String?

    public init(world: WorldGeometry?, resolveCountry: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.world = world
        self.resolveCountry = resolveCountry
    }

    public enum Style: String, Sendable, CaseIterable { case auto, bars, map, heatmap }

    public enum PlotError: Error, CustomStringConvertible {
        case unsuitable(String)
        public var description: String {
            switch self { case .unsuitable(let why): why }
        }
    }

    /// The SVG text for `chart`; `style` overrides the chart's natural form where that makes sense
    /// (per-country values as bars or as a map).
    public func svg(_ chart: Chart, style: Style = .auto) throws -> String {
        switch (chart, style) {
        case (.bars(let title, let unit, let bars), .map):
            guard let world else { throw PlotError.unsuitable("no world outlines are available to draw a map") }
            guard mappable(bars, on: world) > 0 else {
                throw PlotError.unsuitable("none of the bars (\(bars.prefix(3).map(\.label).joined(separator: ", ")) …) is a country")
            }
            return WorldMapSVG(title: title, unit: unit, values: Self.values(bars), geometry: world,
                               resolve: resolveCountry).render()
        case (.bars(let title, let unit, let bars), .auto):
            // Many bars that are mostly countries read better as a map (a per-country opinion result).
            if let world, bars.count >= 20, mappable(bars, on: world) * 4 >= bars.count * 3 {
                return WorldMapSVG(title: title, unit: unit, values: Self.values(bars), geometry: world,
                                   resolve: resolveCountry).render()
            }
            return BarChartSVG(title: title, unit: unit, bars: bars).render()
        case (.bars(let title, let unit, let bars), .bars):
            return BarChartSVG(title: title, unit: unit, bars: bars).render()
        case (.countries(let title, let unit, let values), .bars):
            return BarChartSVG(title: title, unit: unit, bars: Self.sortedBars(values)).render()
        case (.countries(let title, let unit, let values), .auto), (.countries(let title, let unit, let values), .map):
            guard let world else {
                if style == .map { throw PlotError.unsuitable("no world outlines are available to draw a map") }
                return BarChartSVG(title: title, unit: unit, bars: Self.sortedBars(values)).render()
            }
            return WorldMapSVG(title: title, unit: unit, values: values, geometry: world,
                               resolve: resolveCountry).render()
        case (.matrix(let title, let labels, let values), .auto), (.matrix(let title, let labels, let values), .heatmap):
            return HeatmapSVG(title: title, labels: labels, values: values).render()
        default:
            throw PlotError.unsuitable("a \(chart.formName) cannot be drawn as a \(style.rawValue) plot")
        }
    }

    /// How many bars name a country drawn on the map.
    private func mappable(_ bars: [Chart.Bar], on world: WorldGeometry) -> Int {
        bars.filter { world.country(named: resolveCountry($0.label) ?? $0.label) ?? world.country(named: $0.label) != nil }.count
    }

    private static func values(_ bars: [Chart.Bar]) -> [String: Double] {
        Dictionary(bars.map { ($0.label, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Per-country values as bars, largest first.
    public static func sortedBars(_ values: [String: Double]) -> [Chart.Bar] {
        values.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { Chart.Bar(label: $0.key, value: $0.value) }
    }
}

extension Chart {
    var formName: String {
        switch self {
        case .bars: "bar chart"
        case .countries: "per-country figure"
        case .matrix: "matrix"
        }
    }

    /// The chart as terminal lines: bars for bars and per-country values, the matrix as a table.
    public func terminalLines(style: TextStyle, width: Int = 40) -> [String] {
        switch self {
        case .bars(let title, let unit, let bars):
            return TextBarChart(title: title, unit: unit, bars: bars, barWidth: width).lines(style: style)
        case .countries(let title, let unit, let values):
            return TextBarChart(title: title, unit: unit, bars: Plotter.sortedBars(values), barWidth: width)
                .lines(style: style)
        case .matrix(let title, let labels, let values):
            let rows = labels.enumerated().map { index, label in
                [Cell.text(label)] + labels.indices.map { column in
                    index < values.count && column < values[index].count
                        ? Cell.number(values[index][column], digits: 3) : .missing
                }
            }
            return [style.bold(title)] + TerminalTable(ResultTable(columns: [""] + labels, rows: rows)).lines(style: style)
        }
    }
}
