/// A parsed command: its verb and arguments, checked against the command's ``Syntax``.
public struct Invocation: Sendable {
    public var verb: String
    /// The statement as written (what sessions and history record).
    public var text: String
    public var operands: [String: [String]] = [:]
    public var clauses: [String: String] = [:]
    public var options: [String: String] = [:]
    public var flags: Set<String> = []
    /// The name given with `as NAME`.
    public var resultName: String?
    /// The usage line, for errors raised while running.
    public var usage: String

    /// The first value of a positional operand.
    public func operand(_ name: String) -> String? { operands[name]?.first }

    /// Every value of a repeating operand (or the chain of `compare`).
    public func values(_ name: String) -> [String] { operands[name] ?? [] }

    public func clause(_ keyword: String) -> String? { clauses[keyword] }

    public func has(_ flag: String) -> Bool { flags.contains(flag) }

    public func option(_ key: String) -> String? { options[key] }

    /// A comma-separated list option, items trimmed, empty items dropped.
    public func list(_ key: String) -> [String]? {
        options[key].map { $0.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty } }
    }

    public func integer(_ key: String, default value: Int) throws(ShellError) -> Int {
        guard let text = options[key] else { return value }
        guard let number = Int(text) else { throw usageError("\(key)= expects a whole number, got '\(text)'") }
        return number
    }

    public func number(_ key: String, default value: Double) throws(ShellError) -> Double {
        guard let text = options[key] else { return value }
        guard let number = Double(text), number.isFinite else {
            throw usageError("\(key)= expects a number, got '\(text)'")
        }
        return number
    }

    /// A required operand, with a usage error naming it when it is absent.
    public func require(_ name: String) throws(ShellError) -> String {
        guard let value = operand(name) ?? clauses[name] else { throw usageError("expected \(name)") }
        return value
    }

    public func usageError(_ message: String) -> ShellError {
        .usage(verb: verb, message: message, usage: usage)
    }
}

/// Parses a statement's words against the command table.
public struct Parser {
    public var table: CommandTable

    public init(table: CommandTable) { self.table = table }

    public func parse(_ statement: Statement) throws(ShellError) -> (Command, Invocation) {
        guard let first = statement.tokens.first else { throw .usage(verb: "", message: "empty command", usage: "") }
        guard let command = table.command(named: first.text), !first.isQuoted else {
            throw .unknownCommand(first.text, suggestion: Suggest.closest(to: first.text, in: table.names))
        }
        let syntax = command.syntax
        let usage = syntax.usage(verb: command.name)
        var invocation = Invocation(verb: command.name, text: statement.text, usage: usage)
        func fail(_ message: String) -> ShellError { .usage(verb: command.name, message: message, usage: usage) }

        var positional: [Token] = []
        var arrows = 0
        let words = Array(statement.tokens.dropFirst())
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if !word.isQuoted, syntax.keywords.contains(word.text) {
                guard index < words.count else {
                    let name = syntax.clauses.first { $0.keyword == word.text }?.operand.name ?? "NAME"
                    throw fail("expected \(name) after '\(word.text)'")
                }
                let value = words[index]
                index += 1
                if word.text == "as" {
                    guard invocation.resultName == nil else { throw fail("'as' given twice") }
                    guard isName(value.text) else {
                        throw fail("'as' expects a name of letters, digits, '_' or '-', got '\(value.text)'")
                    }
                    invocation.resultName = value.text
                } else {
                    guard invocation.clauses[word.text] == nil else { throw fail("'\(word.text)' given twice") }
                    let clause = syntax.clauses.first { $0.keyword == word.text }!
                    try validate(value.text, as: clause.operand.kind, what: clause.operand.name, fail: fail)
                    invocation.clauses[word.text] = value.text
                }
            } else if syntax.isChain && word.isKeyword("->") {
                arrows += 1
                guard positional.count == arrows else { throw fail("'->' must stand between two names") }
            } else if let (key, value) = word.option {
                guard let option = syntax.options.first(where: { $0.key == key }) else {
                    let keys = syntax.options.map(\.key)
                    guard !keys.isEmpty else { throw fail("takes no key=value options, got '\(key)='") }
                    let hint = Suggest.closest(to: key, in: keys).map { " — did you mean '\($0)='?" } ?? ""
                    throw fail("unknown option '\(key)='\(hint)")
                }
                guard invocation.options[key] == nil else { throw fail("option '\(key)=' given twice") }
                guard !value.isEmpty else { throw fail("option '\(key)=' needs a value") }
                if !option.isList { try validate(value, as: option.kind, what: "\(key)=", fail: fail) }
                invocation.options[key] = value
            } else if !word.isQuoted, syntax.flags.contains(where: { $0.name == word.text }) {
                invocation.flags.insert(word.text)
            } else if !word.isQuoted, word.text.hasPrefix("--"), word.text.count > 2 {
                let known = syntax.flags.map(\.name) + syntax.keywords.filter { $0.hasPrefix("--") }
                throw fail("unknown switch '\(word.text)'\(Suggest.didYouMean(word.text, in: known))")
            } else {
                positional.append(word)
            }
        }

        for clause in syntax.clauses where !clause.operand.isOptional && invocation.clauses[clause.keyword] == nil {
            throw fail("expected '\(clause.keyword) \(clause.operand.name)'")
        }

        if syntax.isChain {
            guard positional.count >= 2, arrows == positional.count - 1 else {
                throw fail("expected a chain of at least two results or sources joined by '->'")
            }
            invocation.operands[syntax.operands.first?.name ?? "CHAIN"] = positional.map(\.text)
            return (command, invocation)
        }

        var remaining = positional[...]
        for operand in syntax.operands {
            if operand.isRepeating {
                let values = remaining.map(\.text)
                if values.isEmpty && !operand.isOptional { throw fail("expected \(operand.name)") }
                for value in values { try validate(value, as: operand.kind, what: operand.name, fail: fail) }
                invocation.operands[operand.name] = values
                remaining = []
            } else if let word = remaining.popFirst() {
                try validate(word.text, as: operand.kind, what: operand.name, fail: fail)
                invocation.operands[operand.name] = [word.text]
            } else if !operand.isOptional {
                throw fail("expected \(operand.name)")
            }
        }
        if let extra = remaining.first {
            throw fail("unexpected '\(extra.text)'" + unexpectedHint(extra, syntax: syntax))
        }
        return (command, invocation)
    }

    /// Hints for a stray word: a misspelt flag or keyword.
    private func unexpectedHint(_ word: Token, syntax: Syntax) -> String {
        let candidates = syntax.flags.map(\.name) + syntax.keywords
        if let close = Suggest.closest(to: word.text, in: candidates) { return " — did you mean '\(close)'?" }
        return ""
    }

    private func validate(_ value: String, as kind: ValueKind, what: String,
                          fail: (String) -> ShellError) throws(ShellError) {
        switch kind {
        case .integer:
            guard Int(value) != nil else { throw fail("\(what) expects a whole number, got '\(value)'") }
        case .number:
            guard let number = Double(value), number.isFinite else {
                throw fail("\(what) expects a number, got '\(value)'")
            }
        case .choice(let choices):
            guard choices.contains(value) else {
                throw fail("\(what) expects one of \(choices.joined(separator: ", ")), got '\(value)'"
                    + Suggest.didYouMean(value, in: choices))
            }
        case .command:
            guard table.command(named: value) != nil else {
                throw fail("no command '\(value)'" + Suggest.didYouMean(value, in: table.names))
            }
        case .model, .source, .dataset, .result, .file, .text, .word, .country:
            break
        }
    }

    private func isName(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }
}
