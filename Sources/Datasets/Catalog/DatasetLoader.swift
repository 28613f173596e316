import TextFormats

/// The files bundled in the repository's `Datasets/` directory (see its README for provenance and licences).
public enum BundledData {
    public static let naturalEarth = "countries/ne_110m_admin_0_countries.geojson"
    public static let studyCountries = "countries/askreddit-254-countries.json"
    public static let countryFilter = "countries/askreddit-countries-filter.json"
    public static let gallup2023 = "countries/USA-favorability-2023.csv"
    public static let md3Curation = "md3/md3-curation.json"
    public static let paperOutputs = "paper-outputs"

    static func entries(root: String) -> [DatasetCatalog.Entry] {
        [
            .init(name: "goqa", kind: .goqaPairs, path: root + "/goqa/goqa-pairs.json",
                  summary: "GlobalOpinionsQA, the 4,633-pair subset (1,301 questions, 130 countries); `open goqa PATH` takes the full CSV"),
            .init(name: "md3", kind: .md3, path: root + "/md3/md3-items.csv",
                  summary: "MD3 word games: 894 won games (216 en_in, 251 en_ng, 427 en_us)"),
            .init(name: "tydiqa", kind: .tydiqa, path: root + "/tydiqa",
                  summary: "TyDiQA-GoldP dev, 9 languages (5,077 questions)"),
            .init(name: "belebele", kind: .belebele, path: root + "/belebele",
                  summary: "Belebele, English and German (900 questions each)"),
            .init(name: "askreddit", kind: .askreddit, path: root + "/askreddit/AskRedditCountries_final.csv",
                  summary: "AskRedditCountries: 554 questions, 11 categories"),
            .init(name: "wherefrom", kind: .countryList, path: root + "/" + studyCountries,
                  summary: "the 254 country names of the where-from and AskReddit prompts"),
            .init(name: "country-filter", kind: .countryList, path: root + "/" + countryFilter,
                  summary: "the 181 countries the study ranks"),
            .init(name: "gallup2023", kind: .gallup, path: root + "/" + gallup2023,
                  summary: "Gallup 2023: US favourability of 21 countries"),
        ]
    }
}

/// Parses a registered entry by its kind.
enum DatasetLoader {
    static func load(_ entry: DatasetCatalog.Entry, policy: MalformedRowPolicy, root: String?,
                     countries: () throws -> CountryTable) throws -> DatasetCatalog.Loaded {
        switch entry.kind {
        case .goqa:
            let loaded = try GlobalOpinionsQA.loadCSV(path: entry.path, policy: policy)
            return .init(dataset: .opinions(loaded.questions), skipped: loaded.skipped)
        case .goqaPairs:
            let loaded = try GlobalOpinionsQA.loadPairs(path: entry.path, policy: policy)
            return .init(dataset: .opinions(loaded.questions), skipped: loaded.skipped)
        case .md3:
            let loaded = try MD3.loadProcessed(path: entry.path, policy: policy)
            return .init(dataset: .dialects(loaded.items), skipped: loaded.skipped)
        case .md3Raw:
            // The study's curation travels with the raw files if present, else the bundled copy applies.
            let candidates = [entry.path + "/md3-curation.json"] + (root.map { [$0 + "/" + BundledData.md3Curation] } ?? [])
            let curation = try candidates.first(where: FileBytes.exists).map(MD3.Curation.load) ?? MD3.Curation()
            let loaded = try MD3.loadRaw(directory: entry.path, curation: curation, policy: policy)
            return .init(dataset: .dialects(loaded.items), skipped: loaded.skipped)
        case .tydiqa:
            let loaded = try TyDiQA.load(fileOrDirectory: entry.path, policy: policy)
            return .init(dataset: .qa(loaded.items), skipped: loaded.skipped)
        case .belebele:
            var items: [ReadingItem] = []
            var skipped = SkippedRows()
            let files = FileBytes.isDirectory(entry.path)
                ? try FileBytes.list(entry.path).filter { $0.hasSuffix(".jsonl") }.map { entry.path + "/" + $0 }
                : [entry.path]
            guard !files.isEmpty else { throw DatasetError(file: entry.path, "no .jsonl files in this directory") }
            for file in files {
                let loaded = try Belebele.load(path: file, language: BelebeleFiles.language(fromFileName: file),
                                               policy: policy)
                items += loaded.items
                skipped.merge(loaded.skipped)
            }
            return .init(dataset: .reading(items), skipped: skipped)
        case .askreddit:
            let loaded = try AskReddit.load(path: entry.path, policy: policy)
            return .init(dataset: .askReddit(loaded.questions), skipped: loaded.skipped)
        case .countryList:
            let names = try JSONCursor(try FileBytes.json(entry.path), file: entry.path).items().map { try $0.string() }
            return .init(dataset: .countries(names), skipped: SkippedRows())
        case .gallup:
            return .init(dataset: .favorability(try Gallup.load2023(path: entry.path, countries: countries())),
                         skipped: SkippedRows())
        }
    }
}

enum BelebeleFiles {
    /// `eng_Latn.converted.jsonl` → `eng_Latn`.
    static func language(fromFileName path: String) -> String? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let stem = name.split(separator: ".").first.map(String.init) ?? name
        let parts = stem.split(separator: "_")
        guard parts.count == 2, parts[0].count == 3, parts[1].count == 4 else { return nil }
        return stem
    }
}

/// Tells a file's kind from its name and first bytes.
enum KindDetection {
    static func detect(path: String, name: String) throws -> DatasetKind {
        if FileBytes.isDirectory(path) {
            let files = try FileBytes.list(path)
            if files.contains(where: { $0.hasPrefix("transcripts_") && $0.hasSuffix(".tsv") }) { return .md3Raw }
            if files.contains(where: { $0.hasSuffix(".jsonl") }) { return .belebele }
            if files.contains(where: { $0.hasSuffix(".json") }) { return .tydiqa }
            throw DatasetError(file: path, "cannot tell what dataset this directory holds")
        }
        let head = try prefix(path)
        if path.hasSuffix(".jsonl") { return .belebele }
        if path.hasSuffix(".csv") || path.hasSuffix(".tsv") {
            let header = head.split(separator: "\n").first.map(String.init) ?? ""
            if header.contains("selections") { return .goqa }
            if header.contains("correct_answer"), header.contains("transcript") { return .md3 }
            if header.contains("Response Format") { return .askreddit }
            if header.lowercased().contains("favorable") { return .gallup }
            throw DatasetError(file: path, line: 1, "cannot tell what dataset this CSV holds from its header")
        }
        if path.hasSuffix(".json") {
            if head.contains("\"paragraphs\"") || head.contains("\"data\"") { return .tydiqa }
            if head.contains("\"distribution\"") { return .goqaPairs }
            if PythonText.strip(head).hasPrefix("[") { return .countryList }
        }
        if let kind = DatasetKind(rawValue: name) { return kind }
        throw DatasetError(file: path, "cannot tell what dataset this file holds (expected .csv, .json, .jsonl or a directory)")
    }

    private static func prefix(_ path: String) throws -> String {
        String(decoding: try FileBytes.head(path, count: 4096), as: UTF8.self)
    }
}
