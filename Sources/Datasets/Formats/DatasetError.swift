/// A problem with a data file, located as precisely as the format allows (`file:line: message`).
///
/// Every reader in this module throws this type, so the shell can print one line that tells the user which
/// file and which line to look at.
public struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path (or a dataset's name when no file is involved).
    public var file: String
    /// 1-based line where the offending record starts, when the format has lines.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// What a reader does with a record it cannot use.
public enum MalformedRowPolicy: Sendable, Equatable {
    /// Stop at the first malformed record with an error naming file and line (the default).
    case fail
    /// Leave malformed records out and report how many were left out (``SkippedRows``).
    case skip
}

/// The records a lenient read left out: never silent, always counted, with the first few reasons kept.
public struct SkippedRows: Sendable, Equatable {
    public private(set) var count = 0
    /// The first problems encountered, for the message the user sees.
    public private(set) var examples: [DatasetError] = []

    public init() {}

    public mutating func record(_ problem: DatasetError) {
        count += 1
        if examples.count < 5 { examples.append(problem) }
    }

    public mutating func merge(_ other: SkippedRows) {
        for example in other.examples { record(example) }
        count += other.count - other.examples.count
    }

    /// Handles a problem by the policy: throws it, or counts it.
    public mutating func handle(_ problem: DatasetError, policy: MalformedRowPolicy) throws {
        switch policy {
        case .fail: throw problem
        case .skip: record(problem)
        }
    }
}
