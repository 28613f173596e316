import Foundation

/// Tab completion driven by the same ``Syntax`` the parser uses: command names, then per argument position the
/// operand's kind (models, datasets and slices, results, files, countries), `key=` options and their values,
/// flags and clause keywords.
public struct Completer {
    public var table: CommandTable
    /// Names the session knows for a kind (loaded models, result handles, catalog datasets, countries …).
    public var vocabulary: (ValueKind) -> [String]

    public init(table: CommandTable, vocabulary: @escaping (ValueKind) -> [String]) {
        self.table = table
        self.vocabulary = vocabulary
    }

    public func complete(_ textBeforeCursor: String) -> Completion {
        let (words, current) = Lexer.partialWords(textBeforeCursor)
        let typed = current.map { String(Array(textBeforeCursor)[$0.start...]) } ?? ""
        guard let verb = words.first else {
            return Completion(word: typed, candidates: filter(table.names, typed))
        }
        guard let command = table.command(named: verb.text) else { return Completion(word: typed, candidates: []) }
        let syntax = command.syntax
        let arguments = Array(words.dropFirst())

        // After a clause keyword: that clause's value.
        if let previous = arguments.last, !previous.isQuoted {
            if previous.text == "as" { return Completion(word: typed, candidates: []) }
            if let clause = syntax.clauses.first(where: { $0.keyword == previous.text }) {
                return Completion(word: typed, candidates: values(clause.operand.kind, typed))
            }
        }
        // A `key=` option's value; lists complete their last item.
        if let current, let (key, _) = current.option,
           let option = syntax.options.first(where: { $0.key == key }) {
            let afterKey = String(typed.dropFirst(key.count + 1))
            var value = afterKey
            var quote = ""
            if value.hasPrefix("\"") { quote = "\""; value.removeFirst() }
            var head = ""
            if option.isList, let comma = value.lastIndex(of: ",") {
                head = String(value[...comma])
                value = String(value[value.index(after: comma)...])
            }
            let known: [String]
            if case .choice(let choices) = option.kind { known = choices } else { known = vocabulary(option.kind) }
            let items = known.filter { $0.lowercased().hasPrefix(value.lowercased()) }
            let candidates = items.sorted().map { item -> String in
                let joined = head + item
                let needsQuote = quote == "\"" || joined.contains(" ")
                return "\(key)=" + (needsQuote ? "\"\(joined)\"" : joined)
            }
            return Completion(word: typed, candidates: candidates)
        }

        // Otherwise: the next operand's values, plus unused options, flags and keywords.
        var positionalCount = 0
        var usedOptions = Set<String>(), usedFlags = Set<String>(), usedKeywords = Set<String>()
        var skipNext = false
        for word in arguments {
            if skipNext { skipNext = false; continue }
            if !word.isQuoted && syntax.keywords.contains(word.text) { usedKeywords.insert(word.text); skipNext = true }
            else if let (key, _) = word.option { usedOptions.insert(key) }
            else if !word.isQuoted && syntax.flags.contains(where: { $0.name == word.text }) { usedFlags.insert(word.text) }
            else if !word.isQuoted && word.text == "->" { continue }
            else { positionalCount += 1 }
        }
        var candidates: [String] = []
        if syntax.isChain {
            let afterArrow = arguments.last.map { $0.isKeyword("->") } ?? true
            if afterArrow, let operand = syntax.operands.first {
                candidates += values(operand.kind, typed)
            } else {
                candidates.append("->")
            }
        } else if let operand = nextOperand(syntax.operands, after: positionalCount) {
            candidates += values(operand.kind, typed)
        }
        if !typed.hasPrefix("$") {
            candidates += syntax.options.map(\.key).filter { !usedOptions.contains($0) }.map { $0 + "=" }
            candidates += syntax.flags.map(\.name).filter { !usedFlags.contains($0) }
            candidates += syntax.keywords.filter { !usedKeywords.contains($0) }
        }
        return Completion(word: typed, candidates: unique(filter(candidates, typed)))
    }

    private func nextOperand(_ operands: [Operand], after count: Int) -> Operand? {
        if count < operands.count { return operands[count] }
        return operands.last.flatMap { $0.isRepeating ? $0 : nil }
    }

    private func values(_ kind: ValueKind, _ typed: String) -> [String] {
        switch kind {
        case .file: return files(typed)
        case .choice(let choices): return filter(choices, typed)
        case .command: return filter(table.names, typed)
        default:
            return filter(vocabulary(kind).map { $0.contains(" ") ? "\"\($0)\"" : $0 }, typed)
        }
    }

    private func filter(_ words: [String], _ prefix: String) -> [String] {
        let lowered = prefix.lowercased()
        return words.filter { $0.lowercased().hasPrefix(lowered) }
    }

    private func unique(_ words: [String]) -> [String] {
        var seen = Set<String>()
        return words.filter { seen.insert($0).inserted }.sorted { ($0.hasPrefix("$") ? 0 : 1, $0) < ($1.hasPrefix("$") ? 0 : 1, $1) }
    }

    /// Paths under the typed directory that start with the typed name; directories end in `/`.
    private func files(_ typed: String) -> [String] {
        let expanded = typed.hasPrefix("~/") ? NSHomeDirectory() + typed.dropFirst(1) : typed
        let directory: String, stem: String, shownDirectory: String
        if let slash = typed.lastIndex(of: "/") {
            shownDirectory = String(typed[...slash])
            stem = String(typed[typed.index(after: slash)...])
            let expandedSlash = expanded.lastIndex(of: "/")!
            directory = String(expanded[...expandedSlash])
        } else {
            (directory, stem, shownDirectory) = (".", typed, "")
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasPrefix(stem) && (!$0.hasPrefix(".") || stem.hasPrefix(".")) }.sorted().map { name in
            var isDirectory: ObjCBool = false
            let path = (directory == "." ? "" : directory) + name
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            return shownDirectory + name + (isDirectory.boolValue ? "/" : "")
        }
    }
}
