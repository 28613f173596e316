import Datasets

extension Interpreter {
    /// The names completion offers for a kind of value.
    public func vocabulary(_ kind: ValueKind) -> [String] {
        switch kind {
        case .result: results.references
        case .command: table.names
        case .country: services.countryNames()
        case .choice(let choices): choices
        case .source: results.entries.compactMap(\.name) + modelNames
        case .model: modelNames
        case .dataset: datasetNames
        case .file, .text, .word, .integer, .number: []
        }
    }

    /// Catalog names, each also with an open bracket and the usual slices, so Tab leads into a selection.
    var datasetNames: [String] {
        var names: [String] = []
        for entry in services.catalog.entries {
            names.append(entry.name)
            names.append(entry.name + "[")
            switch entry.kind {
            case .md3, .md3Raw: names += ["en_in", "en_ng", "en_us"].map { "\(entry.name)[\($0)]" }
            case .tydiqa: names += ["arabic", "bengali", "english", "finnish", "indonesian", "korean", "russian",
                                    "swahili", "telugu"].map { "\(entry.name)[\($0)]" }
            case .belebele: names += ["eng", "deu"].map { "\(entry.name)[\($0)]" }
            case .goqa, .goqaPairs: names += ["\(entry.name)[0:100]", "\(entry.name)[country="]
            case .askreddit: names += ["positive", "negative"].map { "\(entry.name)[\($0)]" }
            case .countryList, .gallup: break
            }
        }
        return names
    }
}
