/// A dataset name with slices and filters, as the user writes it: `goqa[country=Nigeria][0:100]`,
/// `md3[en_ng]`, `tydiqa[telugu][:50]`, `belebele[eng][:40]`, `goqa[source=WVS]`.
///
/// Selectors apply left to right. A slice follows Python (`[a:b]`, `[:b]`, `[a:]`, negative indices, `[i]` is one
/// item); `key=value` keeps the items whose `key` is `value` (case-insensitive; values may be quoted); a bare
/// word is a value of the dataset's usual key (dialect, language, source or country, sentiment).
public struct DatasetSelection: Sendable, Equatable, CustomStringConvertible {
    public var dataset: String
    public var selectors: [Selector]

    public enum Selector: Sendable, Equatable, CustomStringConvertible {
        case slice(start: Int?, end: Int?)
        case index(Int)
        case filter(key: String, value: String)
        case word(String)

        public var description: String {
            switch self {
            case .slice(let start, let end): "[\(start.map(String.init) ?? ""):\(end.map(String.init) ?? "")]"
            case .index(let index): "[\(index)]"
            case .filter(let key, let value): "[\(key)=\(Self.quoteIfNeeded(value))]"
            case .word(let word): "[\(Self.quoteIfNeeded(word))]"
            }
        }

        static func quoteIfNeeded(_ text: String) -> String {
            text.contains(where: { "[]=\"".contains($0) }) ? "\"" + String(text.flatMap { $0 == "\"" ? ["\\", "\""] as [Character] : [$0] }) + "\"" : text
        }
    }

    /// A syntax error with the character position it was found at (1-based).
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public var text: String
        public var position: Int
        public var message: String
        public var description: String { "\(message) at position \(position) of '\(text)'" }
    }

    public init(dataset: String, selectors: [Selector] = []) {
        self.dataset = dataset
        self.selectors = selectors
    }

    /// Parses the text form.
    public init(parsing text: String) throws {
        let characters = Array(text)
        var position = 0
        func fail(_ message: String) -> SyntaxError { SyntaxError(text: text, position: position + 1, message: message) }
        while position < characters.count, characters[position] == " " { position += 1 }
        let nameStart = position
        while position < characters.count, characters[position] != "[" { position += 1 }
        let name = String(characters[nameStart..<position]).trimmingCharacters(in: " ")
        guard !name.isEmpty else { throw fail("expected a dataset name") }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw SyntaxError(text: text, position: nameStart + 1, message: "dataset names are letters, digits, '_', '-' or '.'")
        }
        var selectors: [Selector] = []
        while position < characters.count {
            if characters[position] == " " { position += 1; continue }
            guard characters[position] == "[" else { throw fail("expected '['") }
            position += 1
            var body = ""
            var quoted = false
            var sawQuote = false
            while true {
                guard position < characters.count else { throw fail("missing ']'") }
                let character = characters[position]
                if quoted {
                    if character == "\\", position + 1 < characters.count {
                        body.append(characters[position + 1])
                        position += 2
                        continue
                    }
                    if character == "\"" { quoted = false }
                    else { body.append(character) }
                } else if character == "\"" {
                    quoted = true
                    sawQuote = true
                } else if character == "]" {
                    position += 1
                    break
                } else {
                    body.append(character)
                }
                position += 1
            }
            selectors.append(try Self.selector(body, quoted: sawQuote, fail: fail))
        }
        self.init(dataset: name, selectors: selectors)
    }

    private static func selector(_ body: String, quoted: Bool,
                                 fail: (String) -> SyntaxError) throws -> Selector {
        let trimmed = body.trimmingCharacters(in: " ")
        guard !trimmed.isEmpty else { throw fail("empty selector '[]'") }
        if !quoted, trimmed.contains(":") {
            let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw fail("a slice is [start:end] (steps are not supported)") }
            func bound(_ part: Substring) throws -> Int? {
                let text = part.trimmingCharacters(in: " ")
                if text.isEmpty { return nil }
                guard let value = Int(text) else { throw fail("slice bounds must be integers, found '\(text)'") }
                return value
            }
            return .slice(start: try bound(parts[0]), end: try bound(parts[1]))
        }
        if let equals = trimmed.firstIndex(of: "=") {
            let key = trimmed[..<equals].trimmingCharacters(in: " ")
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: " ")
            guard !key.isEmpty else { throw fail("missing filter key before '='") }
            guard !value.isEmpty else { throw fail("missing value after '\(key)='") }
            return .filter(key: key.lowercased(), value: value)
        }
        if !quoted, let index = Int(trimmed) { return .index(index) }
        return .word(trimmed)
    }

    public var description: String { dataset + selectors.map(\.description).joined() }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String { String(self).trimmingCharacters(in: set) }
}
