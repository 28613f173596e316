import TextFormats

/// How favourably Americans view other countries (Gallup), most favoured first.
public struct FavorabilityPoll: Sendable, Equatable {
    public var year: Int
    /// Country names as the country table's canonical names (AskReddit / Natural Earth admin names).
    public var countries: [String]
    /// "% very/mostly favorable" where the source gives it.
    public var percentFavorable: [Double]?

    public init(year: Int, countries: [String], percentFavorable: [Double]?) {
        self.year = year
        self.countries = countries
        self.percentFavorable = percentFavorable
    }
}

/// The two Gallup orders the study correlates with.
public enum Gallup {
    /// Gallup 2017, in the order the study's analysis code lists it (no percentages published with it).
    public static let order2017 = FavorabilityPoll(year: 2017, countries: [
        "Canada", "United Kingdom", "Japan", "France", "Germany", "India", "Taiwan", "Israel", "Philippines",
        "Mexico", "Egypt", "Cuba", "China", "Saudi Arabia", "Russia", "Palestine", "Iraq", "Afghanistan", "Syria",
        "Iran", "North Korea",
    ], percentFavorable: nil)

    /// Reads the 2023 CSV (`X.1,% Very/Mostly favorable`; labels such as `Great Britain :gb:`), mapping each
    /// label to a canonical country name through its flag code or name.
    ///
    /// Ties in the percentages keep the file's order, which is the order the study used.
    public static func load2023(path: String, countries: CountryTable) throws -> FavorabilityPoll {
        let table = try CSVReader.read(path: path)
        guard table.header.count >= 2 else {
            throw DatasetError(file: path, line: 1, "expected two columns: country label, percent favourable")
        }
        var names: [String] = []
        var percents: [Double] = []
        for record in table.records {
            let label = record.fields[0]
            guard let country = resolve(label, countries: countries) else {
                throw DatasetError(file: path, line: record.line, "unknown country '\(label)'")
            }
            guard let percent = Double(PythonText.strip(record.fields[1])) else {
                throw DatasetError(file: path, line: record.line, "not a percentage: '\(record.fields[1])'")
            }
            names.append(country)
            percents.append(percent)
        }
        return FavorabilityPoll(year: 2023, countries: names, percentFavorable: percents)
    }

    /// `Canada  :ca:` → the country of flag code `ca`, else of the name.
    static func resolve(_ label: String, countries: CountryTable) -> String? {
        var name = PythonText.strip(label)
        var flag: String?
        if name.hasSuffix(":"), let open = name.dropLast().lastIndex(of: ":") {
            flag = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
            name = PythonText.strip(String(name[..<open]))
        }
        if let flag, let country = countries.country(iso2: flag) { return country.name }
        return countries.resolve(name)?.country.name
    }
}
