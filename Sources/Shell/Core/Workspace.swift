import Evaluations

/// The values a session has computed, each under a handle (`$3`) and optionally a name (`as zephyr245`).
public struct ResultStore {
    public struct Entry {
        public var number: Int
        public var name: String?
        /// The command that produced it.
        public var command: String
        public var result: any AnalysisResult

        public var handle: String { "$\(number)" }
        /// `$3` or `$3 (zephyr245)`.
        public var label: String { name.map { "\(handle) (\($0))" } ?? handle }
    }

    public private(set) var entries: [Entry] = []
    private var nextNumber = 1

    public init() {}

    /// Stores `result`; a name already in use moves to the new result (as a shell variable would).
    @discardableResult
    public mutating func add(_ result: any AnalysisResult, name: String?, command: String) -> Entry {
        if let name {
            for index in entries.indices where entries[index].name == name { entries[index].name = nil }
        }
        let entry = Entry(number: nextNumber, name: name, command: command, result: result)
        nextNumber += 1
        entries.append(entry)
        return entry
    }

    /// `$N`, `$last` / `$_` (the newest) or a name.
    public func lookup(_ reference: String) -> Entry? {
        if reference == "$last" || reference == "$_" { return entries.last }
        if reference.hasPrefix("$"), let number = Int(reference.dropFirst()) {
            return entries.first { $0.number == number }
        }
        return entries.first { $0.name == reference }
    }

    /// Every handle and name, for completion and did-you-mean.
    public var references: [String] { entries.map(\.handle) + entries.compactMap(\.name) }
}
