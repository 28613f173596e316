import Foundation
import Synchronization

/// The datasets a session knows by name. Registering reads nothing; the first use of a name parses its file and
/// later uses are served from memory.
public final class DatasetCatalog: Sendable {
    /// A registered name.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var kind: DatasetKind
        /// A file or a directory.
        public var path: String
        /// One line for `datasets`: what it is and where it came from.
        public var summary: String

        public init(name: String, kind: DatasetKind, path: String, summary: String? = nil) {
            self.name = name
            self.kind = kind
            self.path = path
            self.summary = summary ?? kind.summary
        }
    }

    /// A parsed dataset and the malformed records a lenient read left out.
    public struct Loaded: Sendable {
        public var dataset: Dataset
        public var skipped: SkippedRows
    }

    private struct State {
        var entries: [Entry] = []
        var loaded: [String: Loaded] = [:]
        var countryTable: CountryTable?
    }

    private let state = Mutex(State())
    /// The bundled `Datasets/` directory, when known (for the country table and Gallup).
    public let root: String?

    public init(root: String? = nil, entries: [Entry] = []) {
        self.root = root
        state.withLock { $0.entries = entries }
    }

    /// The catalog of the data bundled in `root` (the repository's `Datasets/` directory).
    public static func bundled(root: String) -> DatasetCatalog {
        DatasetCatalog(root: root, entries: BundledData.entries(root: root))
    }

    /// Finds the bundled `Datasets/` directory: `$ALIGNSCOPE_DATA` (or `$ALIGNSCOPE_DATASETS`), else the nearest
    /// `Datasets/README.md` above the working directory or the executable.
    public static func locateBundledRoot() -> String? {
        for variable in ["ALIGNSCOPE_DATA", "ALIGNSCOPE_DATASETS"] {
            if let path = ProcessInfo.processInfo.environment[variable], FileBytes.isDirectory(path) { return path }
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        for start in [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), executable.deletingLastPathComponent()] {
            var directory = start.standardizedFileURL
            for _ in 0..<8 {
                let candidate = directory.appendingPathComponent("Datasets")
                if FileBytes.exists(candidate.appendingPathComponent("README.md").path) { return candidate.path }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }

    public var entries: [Entry] { state.withLock { $0.entries } }

    public func entry(named name: String) -> Entry? { state.withLock { $0.entries.first { $0.name == name } } }

    public func isLoaded(_ name: String) -> Bool { state.withLock { $0.loaded[name] != nil } }

    /// Registers (or re-registers) a name; reads nothing. A previously parsed dataset of that name is forgotten.
    public func register(_ entry: Entry) {
        state.withLock { state in
            state.loaded[entry.name] = nil
            if let index = state.entries.firstIndex(where: { $0.name == entry.name }) {
                state.entries[index] = entry
            } else {
                state.entries.append(entry)
            }
        }
    }

    /// `open NAME PATH`: registers a user's file under a name, its kind told from the name (`goqa`, `md3`, …) or
    /// else from the file itself. Checks that the path exists and has a readable kind; parsing waits for first use.
    @discardableResult
    public func open(name: String, path: String, kind: DatasetKind? = nil) throws -> Entry {
        guard FileBytes.exists(path) else { throw DatasetError(file: path, "no such file or directory") }
        let detected = try kind ?? KindDetection.detect(path: path, name: name)
        let entry = Entry(name: name, kind: detected, path: path, summary: detected.summary + " from \(path)")
        register(entry)
        return entry
    }

    /// The parsed dataset of a name (parsing it on first use).
    public func load(_ name: String, policy: MalformedRowPolicy = .fail) throws -> Loaded {
        try state.withLock { state in
            if let loaded = state.loaded[name] {
                if policy == .fail, let first = loaded.skipped.examples.first { throw first }
                return loaded
            }
            guard let entry = state.entries.first(where: { $0.name == name }) else {
                throw DatasetError(file: name, "unknown dataset" + Self.suggestion(name, among: state.entries.map(\.name)))
            }
            let loaded = try DatasetLoader.load(entry, policy: policy, root: root, countries: {
                if let table = state.countryTable { return table }
                let table = try self.buildCountryTable()
                state.countryTable = table
                return table
            })
            state.loaded[name] = loaded
            return loaded
        }
    }

    /// The items a selection names: `goqa[country=Nigeria][0:100]`.
    public func select(_ selection: DatasetSelection, policy: MalformedRowPolicy = .fail) throws -> Dataset {
        let dataset = try load(selection.dataset, policy: policy).dataset
        let countries = try? countryTable()
        return try dataset.applying(selection.selectors, countries: countries)
    }

    /// The Gallup order of a year: 2017 is built in, 2023 is the `gallup2023` dataset.
    public func gallup(year: Int) throws -> FavorabilityPoll {
        if year == 2017 { return Gallup.order2017 }
        guard year == 2023 else { throw DatasetError(file: "gallup\(year)", "Gallup orders exist for 2017 and 2023") }
        guard case .favorability(let poll) = try load("gallup2023").dataset else {
            throw DatasetError(file: "gallup2023", "is not a Gallup favourability file")
        }
        return poll
    }

    /// A registered country list (`country-filter`: the 181 countries the study ranks; `wherefrom`: all 254).
    public func countries(_ name: String = "country-filter") throws -> [String] {
        guard case .countries(let names) = try load(name).dataset else {
            throw DatasetError(file: name, "is not a list of countries")
        }
        return names
    }

    /// The country table built from the bundled Natural Earth file and the study's 254 names (parsed once).
    public func countryTable() throws -> CountryTable {
        if let table = state.withLock({ $0.countryTable }) { return table }
        let table = try buildCountryTable()
        state.withLock { $0.countryTable = table }
        return table
    }

    private func buildCountryTable() throws -> CountryTable {
        guard let root else { throw DatasetError(file: "Datasets", "the bundled data directory was not found") }
        return try CountryTable.load(naturalEarth: root + "/" + BundledData.naturalEarth,
                                     studyNames: root + "/" + BundledData.studyCountries)
    }

    static func suggestion(_ name: String, among names: [String]) -> String {
        let close = names.filter { EditDistance.between($0, name) <= 2 }
        return close.isEmpty ? " (known: \(names.joined(separator: ", ")))" : " (did you mean \(close.joined(separator: ", "))?)"
    }
}
