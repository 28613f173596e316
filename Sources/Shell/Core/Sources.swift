extension Interpreter {
    /// Names of loaded models and tokenizers.
    var modelNames: [String] { services.models.names }
}
