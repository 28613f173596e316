extension Interpreter {
    /// Loaded models, imported outputs and catalog datasets, by kind (filled in as those modules land).
    func sourceNames(_ kind: ValueKind) -> [String] { [] }
}
