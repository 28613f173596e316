extension Interpreter {
    /// Names of loaded models (filled in when the engine's registry is wired).
    var modelNames: [String] { [] }
}
