import TextFormats

/// A country under one canonical name, with every other name the study's data uses for it.
public struct Country: Sendable, Hashable {
    /// The canonical name: the Natural Earth admin name the AskReddit / where-from files use
    /// ("United States of America", "Republic of Serbia", "Czech Republic").
    public var name: String
    public var iso3: String?
    public var iso2: String?
    /// The Natural Earth 1:110m map name and code, when the country has a polygon at that scale.
    public var naturalEarthName: String?
    public var naturalEarthCode: String?

    public init(name: String, iso3: String? = nil, iso2: String? = nil, naturalEarthName: String? = nil,
                naturalEarthCode: String? = nil) {
        self.name = name
        self.iso3 = iso3
        self.iso2 = iso2
        self.naturalEarthName = naturalEarthName
        self.naturalEarthCode = naturalEarthCode
    }
}

/// A label resolved to a country, with what qualified it.
public struct CountryMatch: Sendable, Hashable {
    public var country: Country
    /// The qualifier of labels such as "India (Non-national sample)" ("Non-national sample"), or the region a
    /// label covers ("Northern Ireland"); `nil` for a plain national label.
    public var variant: String?

    /// Whether the label stands for the country's national sample (plain, or "Current national sample").
    public var isNational: Bool { variant == nil || variant == "Current national sample" }
}

/// The one table that maps GlobalOpinionsQA labels, the 254 AskReddit / where-from names and Natural Earth names
/// and ISO codes onto each other.
public struct CountryTable: Sendable {
    public private(set) var countries: [Country] = []
    /// Natural Earth features, for drawing maps.
    public let shapes: [NaturalEarthCountry]
    private var indexByKey: [String: Int] = [:]
    private var labelVariants: [String: (key: String, variant: String)] = [:]

    /// Builds the table from Natural Earth features and the study's country-name list.
    ///
    /// Every study name becomes a country; Natural Earth features attach to it by admin name and contribute
    /// their ISO codes and map names; the built-in aliases (GOQA's "Britain", "S. Korea", "Palest. ter.", …)
    /// are added last and never override a name already taken.
    public init(naturalEarth: [NaturalEarthCountry], studyNames: [String]) {
        shapes = naturalEarth
        for name in studyNames { add(Country(name: name)) }
        for feature in naturalEarth {
            let index = lookup(feature.admin) ?? add(Country(name: feature.admin))
            countries[index].iso3 = feature.iso3
            countries[index].iso2 = feature.iso2
            countries[index].naturalEarthName = feature.name
            countries[index].naturalEarthCode = feature.code
            let names: [String] = [feature.name] + feature.otherNames + [feature.iso3, feature.code].compactMap { $0 }
            for name in names { addAlias(name, to: index) }
        }
        for (alias, canonical) in CountryAliases.names {
            if let index = lookup(canonical) { addAlias(alias, to: index) }
        }
        for (label, canonical, variant) in CountryAliases.regions {
            if let index = lookup(canonical) { labelVariants[Self.key(label)] = (Self.key(countries[index].name), variant) }
        }
    }

    /// Loads the bundled files: the Natural Earth GeoJSON and a JSON array of the study's country names.
    public static func load(naturalEarth: String, studyNames: String) throws -> CountryTable {
        let names = try JSONCursor(try FileBytes.json(studyNames), file: studyNames).items().map { try $0.string() }
        return CountryTable(naturalEarth: try NaturalEarth.load(path: naturalEarth), studyNames: names)
    }

    /// Resolves any label: a canonical name, a GOQA label (with its "(… sample)" qualifier), a Natural Earth name,
    /// an ISO-3 code or a common alias; case-insensitive. `nil` if unknown.
    public func resolve(_ label: String) -> CountryMatch? {
        let trimmed = PythonText.strip(label)
        if let region = labelVariants[Self.key(trimmed)], let index = indexByKey[region.key] {
            return CountryMatch(country: countries[index], variant: region.variant)
        }
        if let index = lookup(trimmed) { return CountryMatch(country: countries[index], variant: nil) }
        // "India (Non-national sample)" → India, qualified.
        if trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") {
            let base = PythonText.strip(String(trimmed[..<open]))
            let variant = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            if let index = lookup(base) { return CountryMatch(country: countries[index], variant: variant) }
        }
        return nil
    }

    public func country(iso2 code: String) -> Country? {
        countries.first { $0.iso2?.lowercased() == code.lowercased() }
    }

    public func country(iso3 code: String) -> Country? {
        countries.first { $0.iso3?.lowercased() == code.lowercased() }
    }

    /// Names close to an unknown label, for "did you mean".
    public func suggestions(for label: String, limit: Int = 3) -> [String] {
        let target = Self.key(label)
        let threshold = max(2, target.count / 3)
        var scored: [(name: String, distance: Int)] = []
        for country in countries {
            let distance = EditDistance.between(Self.key(country.name), target)
            if distance <= threshold { scored.append((country.name, distance)) }
        }
        scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
        return scored.prefix(limit).map(\.name)
    }

    /// Places per-country values on the map: values keyed by Natural Earth code. A national label wins over a
    /// qualified one for the same country; labels without a 1:110m polygon or unknown to the table are
    /// returned as `unplaced`.
    public func mapValues(_ values: [String: Double]) -> (byCode: [String: Double], unplaced: [String]) {
        var placed: [String: (value: Double, national: Bool)] = [:]
        var unplaced: [String] = []
        for (label, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let match = resolve(label), let code = match.country.naturalEarthCode else {
                unplaced.append(label)
                continue
            }
            if let existing = placed[code], existing.national || !match.isNational {
                unplaced.append(label)
                continue
            }
            placed[code] = (value, match.isNational)
        }
        return (placed.mapValues(\.value), unplaced)
    }

    // MARK: building

    static func key(_ name: String) -> String { name.lowercased() }

    private func lookup(_ name: String) -> Int? { indexByKey[Self.key(name)] }

    @discardableResult
    private mutating func add(_ country: Country) -> Int {
        if let existing = lookup(country.name) { return existing }
        countries.append(country)
        indexByKey[Self.key(country.name)] = countries.count - 1
        return countries.count - 1
    }

    private mutating func addAlias(_ alias: String, to index: Int) {
        let key = Self.key(alias)
        if indexByKey[key] == nil { indexByKey[key] = index }
    }
}

/// Levenshtein distance over characters, for suggestions.
public enum EditDistance {
    public static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
