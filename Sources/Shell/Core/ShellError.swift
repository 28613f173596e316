import InferenceAPI

/// Everything that stops a command, as one line the user can act on.
public enum ShellError: Error, Sendable, CustomStringConvertible {
    case unknownCommand(String, suggestion: String?)
    /// The arguments do not fit the command's grammar; `usage` is its one-line synopsis.
    case usage(verb: String, message: String, usage: String)
    /// The command understood its arguments but could not do the work (a missing file, a malformed row …).
    case failed(verb: String, message: String)
    case syntax(LexError)

    public var description: String {
        switch self {
        case .unknownCommand(let word, let suggestion):
            let hint = suggestion.map { " — did you mean '\($0)'?" } ?? ""
            return "unknown command '\(word)'\(hint) (type 'help' for the list)"
        case .usage(let verb, let message, let usage):
            return verb.isEmpty ? message : "\(verb): \(message) (usage: \(usage))"
        case .failed(let verb, let message):
            return "\(verb): \(message)"
        case .syntax(let error):
            return "syntax error: \(error)"
        }
    }
}

extension Invocation {
    /// A failure while running this command, prefixed with its verb.
    public func failure(_ message: String) -> ShellError { .failed(verb: verb, message: message) }
}
