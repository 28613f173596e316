import Reports

/// What the commands draw on besides their arguments: the world outlines for maps and the country-name table.
/// Grouped so tests can substitute fixtures and the product can wire the bundled data.
public struct Services: @unchecked Sendable {
    /// Natural Earth outlines, loaded on first `plot` of a per-country result.
    public var worldLoader: () throws -> WorldGeometry?
    /// Maps a dataset's country label onto a Natural Earth name.
    public var resolveCountry: @Sendable (String) -> String?
    /// Country names for completion.
    public var countryNames: () -> [String]

    public init(worldLoader: @escaping () throws -> WorldGeometry? = { nil },
                resolveCountry: @escaping @Sendable (String) -> String? = { _ in nil },
                countryNames: @escaping () -> [String] = { [] }) {
        self.worldLoader = worldLoader
        self.resolveCountry = resolveCountry
        self.countryNames = countryNames
    }
}
