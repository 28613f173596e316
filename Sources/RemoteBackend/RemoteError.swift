import InferenceAPI

/// Why a request to the server failed, naming the request.
enum RemoteError: Error, CustomStringConvertible {
    /// The server answered with a non-2xx status.
    case status(what: String, status: Int, message: String, attempts: Int = 1)
    /// No usable answer arrived: refused or reset connection, timeout.
    case transport(what: String, problem: String, attempts: Int = 1)
    /// An answer arrived but cannot be used (too large, wrong shape).
    case unusable(what: String, problem: String)

    func afterAttempts(_ attempts: Int) -> RemoteError {
        switch self {
        case .status(let what, let status, let message, _): .status(what: what, status: status, message: message, attempts: attempts)
        case .transport(let what, let problem, _): .transport(what: what, problem: problem, attempts: attempts)
        case .unusable: self
        }
    }

    var description: String {
        switch self {
        case .status(let what, let status, let message, let attempts):
            "\(what): HTTP \(status): \(message)\(Self.attempts(attempts))"
        case .transport(let what, let problem, let attempts):
            "\(what): \(problem)\(Self.attempts(attempts))"
        case .unusable(let what, let problem):
            "\(what): the response \(problem)"
        }
    }

    private static func attempts(_ count: Int) -> String {
        count > 1 ? " (gave up after \(count) attempts)" : ""
    }

    /// The engine API's view: a 400 means this input does not fit the model; everything else is the backend.
    var inferenceError: InferenceError {
        if case .status(_, let status, _, _) = self, status == 400 || status == 413 || status == 422 {
            return .invalidInput(description)
        }
        return .backend(description)
    }
}

extension Error {
    /// Any error of this module as the ``InferenceError`` that ``LanguageModel`` callers handle.
    var asInferenceError: InferenceError {
        switch self {
        case let error as InferenceError: error
        case let error as RemoteError: error.inferenceError
        default: .backend("\(self)")
        }
    }
}
