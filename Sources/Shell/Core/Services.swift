import Datasets
import Reports

/// What the commands draw on besides their arguments: the dataset catalog (which also holds the country
/// table) and the world outlines for maps. Grouped so tests can substitute fixtures and the product can wire
/// the bundled data.
public struct Services {
    /// The datasets a session knows by name (bundled ones, plus what `open` registers).
    public var catalog: DatasetCatalog
    /// Natural Earth outlines, loaded on first `plot` of a per-country result.
    public var worldLoader: () throws -> WorldGeometry?
    /// The models and tokenizers `load` registered.
    public var models: ModelShelf

    public init(catalog: DatasetCatalog = DatasetCatalog(), worldLoader: @escaping () throws -> WorldGeometry? = { nil },
                models: ModelShelf = ModelShelf()) {
        self.catalog = catalog
        self.worldLoader = worldLoader
        self.models = models
    }

    /// The catalog's country table, when its files are there.
    public var countries: CountryTable? { try? catalog.countryTable() }

    /// Maps a dataset's country label ("Britain", "S. Korea", "the Philippines") onto its Natural Earth name.
    public var resolveCountry: @Sendable (String) -> String? {
        let catalog = catalog
        return { label in (try? catalog.countryTable())?.resolve(label)?.country.naturalEarthName }
    }

    /// Country names for completion.
    public func countryNames() -> [String] { countries?.countries.map(\.name) ?? [] }
}
