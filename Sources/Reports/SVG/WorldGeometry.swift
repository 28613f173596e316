import Foundation
import TextFormats

/// Country outlines from a Natural Earth GeoJSON file (`ne_110m_admin_0_countries.geojson`), with every name
/// Natural Earth gives a country (name, long name, formal name, ISO a3 …) so results can be matched to shapes.
public struct WorldGeometry: Sendable {
    public struct Country: Sendable {
        public var name: String
        public var isoA3: String
        public var continent: String
        /// Each polygon is a list of rings (outer first, then holes) of (longitude, latitude) in degrees.
        public var polygons: [[[(Double, Double)]]]
        /// Lower-cased names this country answers to.
        var aliases: Set<String>
    }

    public var countries: [Country]

    public enum LoadError: Error, CustomStringConvertible {
        case malformed(path: String, why: String)
        public var description: String {
            switch self {
            case .malformed(let path, let why): "\(path): not a Natural Earth GeoJSON file: \(why)"
            }
        }
    }

    public init(contentsOf path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw LoadError.malformed(path: path, why: "cannot read the file (\(error.localizedDescription))")
        }
        try self.init(geojson: data, path: path)
    }

    public init(geojson: Data, path: String = "<geojson>") throws {
        guard let root = try? JSONValue(parsing: geojson), let features = root["features"]?.array,
              features.allSatisfy({ $0.members != nil }) else {
            throw LoadError.malformed(path: path, why: "no FeatureCollection with a `features` array")
        }
        var countries: [Country] = []
        for (index, feature) in features.enumerated() {
            guard let properties = feature["properties"]?.object,
                  let geometry = feature["geometry"], geometry.members != nil,
                  let type = geometry["type"]?.string else {
                throw LoadError.malformed(path: path, why: "feature \(index) lacks properties or geometry")
            }
            let polygons: [[[(Double, Double)]]]
            switch type {
            case "Polygon": polygons = [Self.rings(geometry["coordinates"])].compactMap { $0 }
            case "MultiPolygon": polygons = (geometry["coordinates"]?.array ?? []).compactMap(Self.rings)
            default: continue
            }
            func property(_ key: String) -> String? {
                (properties[key] ?? properties[key.uppercased()])?.string
            }
            let name = property("name") ?? property("admin") ?? "feature \(index)"
            var aliases = Set<String>()
            for key in ["name", "name_long", "admin", "formal_en", "name_sort", "brk_name", "geounit", "subunit",
                        "name_alt", "abbrev", "iso_a3", "adm0_a3"] {
                if let value = property(key), !value.isEmpty, value != "-99" { aliases.insert(Self.normalise(value)) }
            }
            countries.append(Country(name: name, isoA3: property("iso_a3") ?? "-99",
                                     continent: property("continent") ?? "", polygons: polygons, aliases: aliases))
        }
        self.countries = countries
    }

    /// The country whose Natural Earth names include `name` (case, accents and a leading "the" ignored).
    public func country(named name: String) -> Country? {
        let key = Self.normalise(name)
        return countries.first { $0.aliases.contains(key) }
    }

    static func normalise(_ name: String) -> String {
        var text = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        if text.hasPrefix("the ") { text.removeFirst(4) }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// A polygon's rings; a ring with a position that is not a list of numbers is left out.
    private static func rings(_ value: JSONValue?) -> [[(Double, Double)]]? {
        value?.array?.compactMap { ring in
            guard let positions = ring.array else { return nil }
            var points: [(Double, Double)] = []
            for position in positions {
                guard let coordinates = position.array?.compactMap(\.number), coordinates.count == position.array?.count else {
                    return nil
                }
                if coordinates.count >= 2 { points.append((coordinates[0].double, coordinates[1].double)) }
            }
            return points
        }
    }
}

/// The Equal Earth projection (Šavrič, Patterson & Jenny 2018): equal-area, so large countries do not look
/// more important than they are, yet familiar in shape. Returns x ∈ ±2.7207, y ∈ ±1.3173 (north up).
func equalEarth(longitude: Double, latitude: Double) -> (x: Double, y: Double) {
    let (a1, a2, a3, a4) = (1.340264, -0.081106, 0.000893, 0.003796)
    let lambda = longitude * .pi / 180, phi = latitude * .pi / 180
    let theta = asin(sqrt(3) / 2 * sin(phi))
    let t2 = theta * theta, t6 = t2 * t2 * t2
    let x = 2 * sqrt(3) * lambda * cos(theta) / (3 * (a1 + 3 * a2 * t2 + t6 * (7 * a3 + 9 * a4 * t2)))
    let y = theta * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))
    return (x, y)
}
