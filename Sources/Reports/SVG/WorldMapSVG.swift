import Foundation

/// A choropleth world map: each country filled by its value, grey where there is none, a colour legend, a title,
/// and a footnote naming the result's countries that have no shape on the 1:110m map (Singapore, Hong Kong, …).
struct WorldMapSVG {
    var title: String
    var unit: String
    var values: [String: Double]
    var geometry: WorldGeometry
    /// Maps a result's country label onto a Natural Earth name or ISO a3 code (the shared country table).
    var resolve: (String) -> String?

    func render() -> String {
        let width = 980.0, mapWidth = 940.0
        let scale = mapWidth / (2 * 2.7207)
        // Antarctica is left out, so the frame runs from 58° S (Tierra del Fuego) to 84° N (Greenland).
        let north = equalEarth(longitude: 0, latitude: 84).y, south = equalEarth(longitude: 0, latitude: -58).y
        let mapHeight = (north - south) * scale
        let left = (width - mapWidth) / 2, top = 50.0
        let height = top + mapHeight + 80

        var byShape: [String: Double] = [:]
        var unmatched: [String] = []
        for (label, value) in values.sorted(by: { $0.key < $1.key }) {
            let key = resolve(label) ?? label
            if let country = geometry.country(named: key) ?? geometry.country(named: label) {
                byShape[country.isoA3 + "|" + country.name] = value
            } else {
                unmatched.append(label)
            }
        }
        let colours = ColorScale(covering: Array(byShape.values), robust: true)
        let clipped = byShape.values.contains { $0 < colours.low || $0 > colours.high }

        var svg = SVGDocument(width: width, height: height)
        svg.text(title, x: width / 2, y: 28, size: 16, anchor: .middle, weight: "bold")
        // Hatching, not a flat grey, so "no data" never looks like a value near the middle of the scale.
        svg.add("<defs><pattern id=\"nodata\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eeeeee\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#c4c4c4\" stroke-width=\"2\"/></pattern></defs>")
        svg.add("<g stroke=\"#ffffff\" stroke-width=\"0.4\" stroke-linejoin=\"round\">")
        for country in geometry.countries where country.continent != "Antarctica" {
            let value = byShape[country.isoA3 + "|" + country.name]
            let fill = value.map(colours.color) ?? "url(#nodata)"
            var path = ""
            for polygon in country.polygons {
                for ring in polygon where ring.count > 2 {
                    for (index, point) in ring.enumerated() {
                        let p = equalEarth(longitude: point.0, latitude: point.1)
                        path += (index == 0 ? "M" : "L") + n1(left + mapWidth / 2 + p.x * scale) + ","
                            + n1(top + (north - p.y) * scale)
                    }
                    path += "Z"
                }
            }
            let label = value.map { "\(country.name): \(formatFixed($0, digits: 4))" } ?? "\(country.name): no data"
            svg.add("<path d=\"\(path)\" fill=\"\(fill)\" fill-rule=\"evenodd\"><title>\(escape(label))</title></path>")
        }
        svg.add("</g>")

        let legendTop = top + mapHeight + 24
        let legendTitle = clipped ? unit + " (colours clipped to the central 90% of values)" : unit
        Legend(scale: colours, x: width / 2 - 200, y: legendTop, length: 400, title: legendTitle).drawHorizontal(into: &svg)
        svg.rect(x: width / 2 + 240, y: legendTop, width: 16, height: 12, fill: "url(#nodata)", stroke: "#c4c4c4")
        svg.text("no data", x: width / 2 + 262, y: legendTop + 10, size: 10)
        if !unmatched.isEmpty {
            // As many names as fit one line of the footnote (about 170 characters at this size).
            var shown = ""
            for name in unmatched where shown.count + name.count < 150 { shown += (shown.isEmpty ? "" : ", ") + name }
            if shown.count < unmatched.joined(separator: ", ").count { shown += ", …" }
            svg.text("Not on the 1:110m map (\(unmatched.count)): \(shown)", x: 12, y: height - 8, size: 9, fill: "#777")
        }
        return svg.render()
    }

    private func n1(_ value: Double) -> String { formatFixed(value, digits: 1) }
}
