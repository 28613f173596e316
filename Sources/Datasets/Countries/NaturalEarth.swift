/// One country polygon set of Natural Earth's admin-0 layer (public domain).
public struct NaturalEarthCountry: Sendable, Equatable {
    /// Short map name (`Bosnia and Herz.`, `Dem. Rep. Congo`).
    public var name: String
    /// Full administrative name (`Bosnia and Herzegovina`), the study's country names.
    public var admin: String
    /// ISO 3166-1 alpha-3, `nil` where Natural Earth has none (`-99`: Kosovo, N. Cyprus, Somaliland).
    public var iso3: String?
    /// ISO 3166-1 alpha-2, `nil` where Natural Earth has none.
    public var iso2: String?
    /// Natural Earth's own code, defined for every feature (`KOS` for Kosovo).
    public var code: String
    public var continent: String
    /// Other names Natural Earth gives (long name, formal name, sovereignty), for lookups.
    public var otherNames: [String]
    /// Polygons, each a list of rings (outer ring first), each ring a list of (longitude, latitude).
    public var polygons: [[[Point]]]

    public struct Point: Sendable, Equatable {
        public var longitude: Double
        public var latitude: Double
    }
}

/// Reader for a Natural Earth admin-0 GeoJSON file.
public enum NaturalEarth {
    public static func load(path: String) throws -> [NaturalEarthCountry] {
        let root = JSONCursor(try FileBytes.json(path), file: path)
        return try root["features"].items().map { feature in
            let properties = try feature["properties"]
            func text(_ key: String) throws -> String? {
                guard let value = try properties.optional(key), !value.isNull else { return nil }
                let string = try value.string()
                return string == "-99" || string.isEmpty ? nil : string
            }
            guard let admin = try text("admin") else { throw properties.error("no 'admin' name") }
            let others = try ["name_long", "formal_en", "brk_name", "geounit", "subunit"].compactMap { try text($0) }
            return NaturalEarthCountry(
                name: try text("name") ?? admin, admin: admin, iso3: try text("iso_a3"), iso2: try text("iso_a2"),
                code: try text("adm0_a3") ?? admin, continent: try text("continent") ?? "",
                otherNames: others, polygons: try polygons(feature["geometry"]))
        }
    }

    static func polygons(_ geometry: JSONCursor) throws -> [[[NaturalEarthCountry.Point]]] {
        if geometry.isNull { return [] }
        let type = try geometry["type"].string()
        let coordinates = try geometry["coordinates"]
        switch type {
        case "Polygon": return [try polygon(coordinates)]
        case "MultiPolygon": return try coordinates.items().map(polygon)
        default: throw geometry.error("unsupported geometry type '\(type)'")
        }
    }

    static func polygon(_ rings: JSONCursor) throws -> [[NaturalEarthCountry.Point]] {
        try rings.items().map { ring in
            try ring.items().map { position in
                let pair = try position.items()
                guard pair.count >= 2 else { throw position.error("a position needs longitude and latitude") }
                return NaturalEarthCountry.Point(longitude: try pair[0].number(), latitude: try pair[1].number())
            }
        }
    }
}
