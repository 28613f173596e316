/// Why a tokenizer could not be loaded. Every case names the file and the place in it, so that a user
/// looking at a broken checkpoint knows which file to fix and where.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// The file is not well-formed JSON; `offset` is the byte where parsing stopped.
    case malformedJSON(file: String, offset: Int, reason: String)
    /// A JSON value is missing, has the wrong type, or an impossible value. `path` is a JSONPath-like
    /// location such as `$.model.merges[12]`.
    case invalidField(file: String, path: String, reason: String)
    /// A component the file asks for (a normalizer, model type, regex…) that this implementation lacks.
    case unsupported(file: String, path: String, what: String)
    /// A binary file (protobuf, GGUF) is truncated or inconsistent at `offset`.
    case malformedBinary(file: String, offset: Int, reason: String)
    /// A GGUF file lacks a tokenizer key, or has it with the wrong type.
    case missingMetadata(file: String, key: String, reason: String)
    /// A directory holds no file a tokenizer can be built from.
    case noTokenizerFound(directory: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .malformedJSON(file, offset, reason):
            return "\(file): malformed JSON at byte \(offset): \(reason)"
        case let .invalidField(file, path, reason):
            return "\(file): \(path): \(reason)"
        case let .unsupported(file, path, what):
            return "\(file): \(path): unsupported \(what)"
        case let .malformedBinary(file, offset, reason):
            return "\(file): at byte \(offset): \(reason)"
        case let .missingMetadata(file, key, reason):
            return "\(file): metadata \(key): \(reason)"
        case let .noTokenizerFound(directory):
            return "\(directory): no tokenizer.json, tokenizer.model or GGUF vocabulary found"
        }
    }
}
