/// One word of a command: bare, quoted, or a mix of adjacent parts (`countries="United States,China"`).
public struct Token: Equatable, Sendable {
    /// The word with quotes removed and escapes decoded.
    public var text: String
    /// True when any part was quoted. Quoted words are never keywords, flags or options: `"on"` is a value.
    public var isQuoted: Bool
    /// Length (in characters) of the bare `key` when the word reads `key=value` with `=` outside brackets.
    public var optionKeyLength: Int?
    /// Character offsets of the word in its statement, for error carets and completion.
    public var start: Int
    public var end: Int

    /// `key` and `value` of a `key=value` word.
    public var option: (key: String, value: String)? {
        guard let length = optionKeyLength else { return nil }
        let key = String(text.prefix(length))
        return (key, String(text.dropFirst(length + 1)))
    }

    /// True when the word is exactly `word` and was typed bare.
    public func isKeyword(_ word: String) -> Bool { !isQuoted && text == word }
}

/// A statement: the words of one command, with the text and line it came from.
public struct Statement: Equatable, Sendable {
    public var tokens: [Token]
    /// The command as written, trimmed (what history and session files record).
    public var text: String
    /// 1-based line in the script or session file where the statement starts.
    public var line: Int
}

public enum LexError: Error, Equatable, Sendable, CustomStringConvertible {
    case unterminatedQuote(Character, line: Int)
    case unterminatedBracket(line: Int)
    case strayBracket(line: Int)

    public var description: String {
        switch self {
        case .unterminatedQuote(let quote, let line): "line \(line): unterminated \(quote == "\"" ? "double" : "single")-quoted string"
        case .unterminatedBracket(let line): "line \(line): '[' without a closing ']'"
        case .strayBracket(let line): "line \(line): ']' without an opening '['"
        }
    }
}

/// Splits command text into statements and words.
///
/// The rules, shared by the REPL, `-c`, scripts, session files and completion:
/// - words are separated by whitespace; `;` or a newline ends a statement;
/// - `"…"` quotes with escapes (`\"` `\\` `\n` `\t` `\r` `\u{…}`), `'…'` quotes literally; a quoted string may span
///   lines (a multi-line prompt);
/// - `[…]` belongs to the word it follows and is kept raw, so `goqa[country=United States]` is one word;
/// - a backslash at the end of a line continues the statement on the next line;
/// - `#` at the start of a word comments out the rest of the line.
public enum Lexer {
    /// All statements in `text`; empty statements and comments are dropped.
    public static func statements(in text: String, firstLine: Int = 1) throws(LexError) -> [Statement] {
        var scanner = Scanner(text: Array(text), line: firstLine)
        return try scanner.scanAll()
    }

    /// True when `text` ends inside a quote or bracket or with a continuation backslash: the REPL then reads
    /// another line before running it.
    public static func needsContinuation(_ text: String) -> Bool {
        var scanner = Scanner(text: Array(text), line: 1)
        do {
            _ = try scanner.scanAll()
            return scanner.endedWithContinuation
        } catch {
            switch error {
            case .unterminatedQuote, .unterminatedBracket: return true
            case .strayBracket: return false
            }
        }
    }

    /// The words of a partial line, tolerating an open quote or bracket in the last word (for completion).
    public static func partialWords(_ text: String) -> (words: [Token], current: Token?) {
        var scanner = Scanner(text: Array(text), line: 1)
        scanner.tolerant = true
        let statements = (try? scanner.scanAll(keepEmpty: true)) ?? []
        var words = statements.last?.tokens ?? []
        if scanner.openStatementEnded { words = [] }
        let endsInSpace = text.last.map { $0 == " " || $0 == "\t" } ?? true
        if !scanner.lastWordOpen && endsInSpace { return (words, nil) }
        let current = words.popLast()
        return (words, current)
    }
}

private struct Scanner {
    let text: [Character]
    var line: Int
    var position = 0
    var tolerant = false
    var endedWithContinuation = false
    var lastWordOpen = false
    var openStatementEnded = false

    init(text: [Character], line: Int) {
        self.text = text
        self.line = line
    }

    mutating func scanAll(keepEmpty: Bool = false) throws(LexError) -> [Statement] {
        var statements: [Statement] = []
        var tokens: [Token] = []
        var statementStart = 0
        var statementLine = line

        func finish(at end: Int) {
            let source = String(text[statementStart..<end]).trimmingWhitespace()
            if !tokens.isEmpty || keepEmpty {
                statements.append(Statement(tokens: tokens, text: source, line: statementLine))
            }
            tokens = []
        }

        while position < text.count {
            let character = text[position]
            switch character {
            case " ", "\t", "\r":
                position += 1
            case "\n", ";":
                finish(at: position)
                if character == "\n" { line += 1 }
                position += 1
                statementStart = position
                statementLine = line
                openStatementEnded = true
            case "\\" where position + 1 < text.count && text[position + 1] == "\n":
                position += 2
                line += 1
            case "\\" where position + 1 == text.count:
                endedWithContinuation = true
                position += 1
            case "#":
                while position < text.count && text[position] != "\n" { position += 1 }
            default:
                if tokens.isEmpty { statementStart = position; statementLine = line }
                openStatementEnded = false
                tokens.append(try word())
            }
        }
        finish(at: text.count)
        return statements
    }

    /// One word: adjacent bare, quoted and bracketed parts.
    private mutating func word() throws(LexError) -> Token {
        let start = position
        var value = ""
        var quoted = false
        var optionKeyLength: Int?
        var sawBracketOrQuote = false
        loop: while position < text.count {
            let character = text[position]
            switch character {
            case " ", "\t", "\r", "\n", ";":
                break loop
            case "\\" where position + 1 < text.count && text[position + 1] == "\n":
                break loop
            case "\"", "'":
                quoted = true
                sawBracketOrQuote = true
                value += try quotedString(closing: character)
            case "[":
                sawBracketOrQuote = true
                value += try bracketed()
            case "]":
                if tolerant { value.append(character); position += 1; continue }
                throw .strayBracket(line: line)
            case "=" where optionKeyLength == nil && !sawBracketOrQuote && isIdentifier(value):
                optionKeyLength = value.count
                value.append(character)
                position += 1
            default:
                value.append(character)
                position += 1
            }
        }
        return Token(text: value, isQuoted: quoted, optionKeyLength: optionKeyLength, start: start, end: position)
    }

    private mutating func quotedString(closing quote: Character) throws(LexError) -> String {
        let openingLine = line
        position += 1
        var value = ""
        while position < text.count {
            let character = text[position]
            if character == quote {
                position += 1
                return value
            }
            if character == "\n" { line += 1 }
            if quote == "\"" && character == "\\" && position + 1 < text.count {
                let next = text[position + 1]
                position += 2
                switch next {
                case "n": value += "\n"
                case "t": value += "\t"
                case "r": value += "\r"
                case "\"": value += "\""
                case "\\": value += "\\"
                case "\n": line += 1  // a backslash-newline inside quotes joins the lines
                case "u": value += unicodeEscape() ?? "\\u"
                default: value += "\\" + String(next)
                }
                continue
            }
            value.append(character)
            position += 1
        }
        if tolerant { lastWordOpen = true; return value }
        throw .unterminatedQuote(quote, line: openingLine)
    }

    /// `\u{1F600}` after the `u`; nil (and nothing consumed) when malformed.
    private mutating func unicodeEscape() -> String? {
        guard position < text.count, text[position] == "{",
              let close = text[position...].firstIndex(of: "}"),
              let code = UInt32(String(text[(position + 1)..<close]), radix: 16),
              let scalar = Unicode.Scalar(code) else { return nil }
        position = close + 1
        return String(Character(scalar))
    }

    private mutating func bracketed() throws(LexError) -> String {
        let openingLine = line
        var depth = 0
        var value = ""
        while position < text.count {
            let character = text[position]
            value.append(character)
            position += 1
            if character == "[" { depth += 1 }
            if character == "]" {
                depth -= 1
                if depth == 0 { return value }
            }
            if character == "\n" { line += 1 }
        }
        if tolerant { lastWordOpen = true; return value }
        throw .unterminatedBracket(line: openingLine)
    }

    private func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
