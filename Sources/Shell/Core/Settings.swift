/// The shell's `set` variables: one table, so `set`, `help set` and completion agree.
public struct Settings: Sendable {
    public struct Definition: Sendable {
        public var key: String
        public var kind: ValueKind
        public var defaultValue: String
        public var summary: String
    }

    public static let definitions: [Definition] = [
        Definition(key: "rows", kind: .integer, defaultValue: "40",
                   summary: "table rows shown before the rest is elided (exports always write every row)"),
        Definition(key: "bars", kind: .choice(["on", "off"]), defaultValue: "on",
                   summary: "draw a bar chart under per-country and per-dialect results"),
        Definition(key: "color", kind: .choice(["auto", "on", "off"]), defaultValue: "auto",
                   summary: "ANSI colour: auto = only when writing to a terminal"),
        Definition(key: "method", kind: .choice(["mean-nll", "next-token"]), defaultValue: "mean-nll",
                   summary: "how live runs score options (PAPER.md: the study used mean-nll)"),
        Definition(key: "seed", kind: .integer, defaultValue: "221",
                   summary: "seed for sampling, few-shot examples and bootstrap intervals (the study's 221)"),
        Definition(key: "cache", kind: .choice(["on", "off"]), defaultValue: "on",
                   summary: "answer model calls already made from the results cache (see 'cache')"),
    ]

    private var values: [String: String] = [:]

    public init() {}

    public subscript(key: String) -> String {
        get { values[key] ?? Self.definitions.first { $0.key == key }?.defaultValue ?? "" }
        set { values[key] = newValue }
    }

    public func integer(_ key: String) -> Int { Int(self[key]) ?? 0 }

    public var options: [OptionSpec] {
        Self.definitions.map { OptionSpec($0.key, $0.kind, $0.summary) }
    }
}
