extension Interpreter {
    /// The names completion offers for a kind of value.
    public func vocabulary(_ kind: ValueKind) -> [String] {
        switch kind {
        case .result: results.references
        case .command: table.names
        case .country: services.countryNames()
        case .choice(let choices): choices
        case .model, .source, .dataset: sourceNames(kind)
        case .file, .text, .word, .integer, .number: []
        }
    }
}
