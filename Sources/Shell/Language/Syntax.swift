/// What kind of value a command argument takes: the parser validates with it and completion lists from it.
public enum ValueKind: Sendable, Equatable {
    /// A loaded model (`load NAME …`).
    case model
    /// A loaded model or a name given to imported outputs (`import NAME from FILE`): what analyses run on.
    case source
    /// A dataset from the catalog, optionally sliced: `goqa[0:100]`, `md3[en_ng]`.
    case dataset
    /// A result handle: `$3` or a name given with `as`.
    case result
    case file
    /// Free text (a prompt, a candidate); usually quoted.
    case text
    case word
    case integer
    case number
    case command
    case country
    /// One of a fixed set of words.
    case choice([String])
}

/// A positional argument, e.g. `MODEL` in `info MODEL`.
public struct Operand: Sendable {
    public var name: String
    public var kind: ValueKind
    public var isOptional: Bool
    /// Takes every remaining positional word (`reward RM "text" "text" …`).
    public var isRepeating: Bool

    public init(_ name: String, _ kind: ValueKind, optional: Bool = false, repeating: Bool = false) {
        self.name = name
        self.kind = kind
        self.isOptional = optional
        self.isRepeating = repeating
    }
}

/// A keyword followed by its value: `on goqa[0:50]`, `from FILE`, `to out.csv`, `--out FILE`.
public struct Clause: Sendable {
    public var keyword: String
    public var operand: Operand

    public init(_ keyword: String, _ operand: Operand) {
        self.keyword = keyword
        self.operand = operand
    }
}

/// A `key=value` setting.
public struct OptionSpec: Sendable {
    public var key: String
    public var kind: ValueKind
    /// Comma-separated list (`countries=China,Jordan`); completion completes the last item.
    public var isList: Bool
    public var summary: String

    public init(_ key: String, _ kind: ValueKind, list: Bool = false, _ summary: String) {
        self.key = key
        self.kind = kind
        self.isList = list
        self.summary = summary
    }
}

/// A bare switch word: `chat`, `generation`, `quirk`, `--check`.
public struct FlagSpec: Sendable {
    public var name: String
    public var summary: String

    public init(_ name: String, _ summary: String) {
        self.name = name
        self.summary = summary
    }
}

/// The argument grammar of one command. Every command has the shape
/// `verb operand… [keyword value]… [key=value]… [flag]… [as NAME]`; `as NAME` is accepted by every command that
/// produces a result.
public struct Syntax: Sendable {
    public var operands: [Operand]
    public var clauses: [Clause]
    public var options: [OptionSpec]
    public var flags: [FlagSpec]
    /// `compare A -> B -> C`: operands are separated by arrows instead of spaces.
    public var isChain: Bool
    /// Whether `as NAME` is allowed (the command produces a result).
    public var producesResult: Bool

    public init(_ operands: [Operand] = [], clauses: [Clause] = [], options: [OptionSpec] = [],
                flags: [FlagSpec] = [], chain: Bool = false, producesResult: Bool = false) {
        self.operands = operands
        self.clauses = clauses
        self.options = options
        self.flags = flags
        self.isChain = chain
        self.producesResult = producesResult
    }

    /// The one-line usage, e.g. `opinions SOURCE [on DATASET] [countries=…] [quirk] [as NAME]`.
    public func usage(verb: String) -> String {
        var parts = [verb]
        if isChain {
            parts.append("A -> B [-> C …]")
        } else {
            for operand in operands {
                var word = operand.name + (operand.isRepeating ? " …" : "")
                if operand.isOptional { word = "[\(word)]" }
                parts.append(word)
            }
        }
        for clause in clauses {
            let word = "\(clause.keyword) \(clause.operand.name)"
            parts.append(clause.operand.isOptional ? "[\(word)]" : word)
        }
        for option in options { parts.append("[\(option.key)=…]") }
        for flag in flags { parts.append("[\(flag.name)]") }
        if producesResult { parts.append("[as NAME]") }
        return parts.joined(separator: " ")
    }

    var keywords: [String] { clauses.map(\.keyword) + (producesResult ? ["as"] : []) }
}
