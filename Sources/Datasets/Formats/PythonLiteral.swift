import TextFormats

/// A value of Python's literal syntax, as GlobalOpinionsQA stores its `options` (a list repr) and `selections`
/// (a `defaultdict(<class 'list'>, {...})` repr).
///
/// Numbers keep the text they were written with: the released study code truncated that text (see
/// ``GlobalOpinionsQA/SelectionsParse/releasedCodeQuirk``), and `str()` of an option must print it as Python does.
public indirect enum PythonValue: Sendable, Equatable {
    case string(String)
    case integer(text: String)
    case float(Double, text: String)
    case bool(Bool)
    case none
    case list([PythonValue])
    case tuple([PythonValue])
    case dict([PythonDictEntry])

    /// What Python's `str()` gives: strings as they are, everything else as `repr()`.
    public var pythonStr: String {
        if case .string(let string) = self { return string }
        return pythonRepr
    }

    /// What Python's `repr()` gives.
    public var pythonRepr: String {
        switch self {
        case .string(let string): return PythonText.repr(string)
        case .integer(let text): return PythonLiteral.normalizedInteger(text)
        case .float(let value, _): return PythonFloat.repr(value)
        case .bool(let value): return value ? "True" : "False"
        case .none: return "None"
        case .list(let items): return "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .tuple(let items):
            return items.count == 1 ? "(\(items[0].pythonRepr),)"
                : "(" + items.map(\.pythonRepr).joined(separator: ", ") + ")"
        case .dict(let entries):
            return "{" + entries.map { "\($0.key.pythonRepr): \($0.value.pythonRepr)" }.joined(separator: ", ") + "}"
        }
    }

    /// The value as Python's `float()` would take it, for numbers; `nil` otherwise.
    public var number: Double? {
        switch self {
        case .float(let value, _): value
        case .integer(let text): Double(text.filter { $0 != "_" })
        case .bool(let value): value ? 1 : 0
        default: nil
        }
    }

    /// The source text of a number literal.
    public var numberText: String? {
        switch self {
        case .float(_, let text), .integer(let text): text
        default: nil
        }
    }
}

public struct PythonDictEntry: Sendable, Equatable {
    public var key: PythonValue
    public var value: PythonValue
}

/// A strict parser for Python literals (the subset `ast.literal_eval` accepts that GOQA uses: strings with all
/// escape forms, integers, floats, True/False/None, lists, tuples, dicts, unary minus) plus the
/// `defaultdict(<class '…'>, {…})` repr. Anything else is an error with the character offset.
public enum PythonLiteral {
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// 0-based offset in characters (Unicode scalars) into the text.
        public var offset: Int
        public var message: String
        public var description: String { "\(message) at character \(offset + 1)" }
    }

    /// Parses a whole literal; trailing text other than whitespace is an error.
    public static func parse(_ text: String) throws -> PythonValue {
        var parser = Parser(Array(text.unicodeScalars))
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.atEnd else { throw parser.fail("unexpected text after the literal") }
        return value
    }

    /// Parses `defaultdict(<class 'list'>, {...})` (or a plain dict) and returns the dict's entries in order.
    public static func parseDefaultDict(_ text: String) throws -> [PythonDictEntry] {
        var parser = Parser(Array(text.unicodeScalars))
        parser.skipSpace()
        let wrapped = parser.consume("defaultdict(")
        if wrapped {
            parser.skipSpace()
            guard parser.consume("<class '") else { throw parser.fail("expected <class '…'> as the default factory") }
            while !parser.atEnd, parser.peek != "'" { parser.advance() }
            guard parser.consume("'>") else { throw parser.fail("unterminated <class '…'>") }
            parser.skipSpace()
            guard parser.consume(",") else { throw parser.fail("expected ',' after the default factory") }
            parser.skipSpace()
        }
        guard case .dict(let entries) = try parser.value() else { throw parser.fail("expected a dict") }
        parser.skipSpace()
        if wrapped {
            guard parser.consume(")") else { throw parser.fail("expected ')' closing defaultdict(") }
            parser.skipSpace()
        }
        guard parser.atEnd else { throw parser.fail("unexpected text after the literal") }
        return entries
    }

    static func normalizedInteger(_ text: String) -> String {
        let digits = text.filter { $0 != "_" }
        let negative = digits.hasPrefix("-")
        let body = digits.drop(while: { $0 == "-" || $0 == "+" }).drop(while: { $0 == "0" })
        return (negative && !body.isEmpty ? "-" : "") + (body.isEmpty ? "0" : String(body))
    }

    fileprivate struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0
        var depth = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { position >= scalars.count }
        var peek: Unicode.Scalar? { atEnd ? nil : scalars[position] }
        mutating func advance() { position += 1 }

        func fail(_ message: String) -> SyntaxError { SyntaxError(offset: position, message: message) }

        mutating func skipSpace() {
            while let scalar = peek, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" { advance() }
        }

        mutating func consume(_ word: String) -> Bool {
            let wordScalars = Array(word.unicodeScalars)
            guard scalars.count - position >= wordScalars.count,
                  Array(scalars[position..<position + wordScalars.count]) == wordScalars else { return false }
            position += wordScalars.count
            return true
        }

        mutating func value() throws -> PythonValue {
            guard let scalar = peek else { throw fail("unexpected end of literal") }
            switch scalar {
            case "'", "\"": return .string(try strings())
            case "[": return .list(try sequence(close: "]"))
            case "(":
                let start = position
                let items = try sequence(close: ")")
                // `(x)` is x, `(x,)` a 1-tuple: look back for the trailing comma.
                if items.count == 1, !hadTrailingComma(from: start) { return items[0] }
                return .tuple(items)
            case "{": return try dict()
            case "-", "+", "0"..."9", ".": return try number()
            default:
                if consume("True") { return .bool(true) }
                if consume("False") { return .bool(false) }
                if consume("None") { return .none }
                if let prefix = stringPrefix() { return .string(try strings(prefix: prefix)) }
                if consume("nan") || consume("inf") {
                    throw SyntaxError(offset: position - 3, message: "inf/nan are not Python literals")
                }
                throw fail("unexpected character '\(scalar)'")
            }
        }

        private func hadTrailingComma(from start: Int) -> Bool {
            var index = position - 2
            while index > start, scalars[index] == " " || scalars[index] == "\n" { index -= 1 }
            return index > start && scalars[index] == ","
        }

        /// `r`, `u`, `b` string prefixes (only `r`/`u` carry meaning for text).
        private mutating func stringPrefix() -> String? {
            for prefix in ["r", "R", "u", "U"] where consumeIfQuoteFollows(prefix) { return prefix.lowercased() }
            return nil
        }

        private mutating func consumeIfQuoteFollows(_ prefix: String) -> Bool {
            let saved = position
            guard consume(prefix), let next = peek, next == "'" || next == "\"" else {
                position = saved
                return false
            }
            return true
        }

        private mutating func nest() throws {
            depth += 1
            if depth > 256 { throw fail("nesting deeper than 256 levels") }
        }

        mutating func sequence(close: Unicode.Scalar) throws -> [PythonValue] {
            try nest()
            defer { depth -= 1 }
            advance()
            var items: [PythonValue] = []
            while true {
                skipSpace()
                if peek == close { advance(); return items }
                items.append(try value())
                skipSpace()
                if peek == "," { advance(); continue }
                if peek == close { advance(); return items }
                throw fail(atEnd ? "unterminated list or tuple" : "expected ',' or '\(close)'")
            }
        }

        mutating func dict() throws -> PythonValue {
            try nest()
            defer { depth -= 1 }
            advance()
            var entries: [PythonDictEntry] = []
            while true {
                skipSpace()
                if peek == "}" { advance(); return .dict(entries) }
                let key = try value()
                skipSpace()
                guard peek == ":" else { throw fail("expected ':' in dict") }
                advance()
                skipSpace()
                entries.append(PythonDictEntry(key: key, value: try value()))
                skipSpace()
                if peek == "," { advance(); continue }
                if peek == "}" { advance(); return .dict(entries) }
                throw fail(atEnd ? "unterminated dict" : "expected ',' or '}'")
            }
        }

        /// One or more adjacent string literals (Python concatenates them).
        mutating func strings(prefix: String = "") throws -> String {
            var text = try string(raw: prefix == "r")
            while true {
                let saved = position
                skipSpace()
                if let next = peek, next == "'" || next == "\"" {
                    text += try string(raw: false)
                } else {
                    position = saved
                    return text
                }
            }
        }

        mutating func string(raw: Bool) throws -> String {
            guard let quote = peek else { throw fail("expected a string") }
            let start = position
            let triple = scalars.count - position >= 3 && scalars[position + 1] == quote && scalars[position + 2] == quote
            position += triple ? 3 : 1
            var out = String.UnicodeScalarView()
            while true {
                guard let scalar = peek else {
                    throw SyntaxError(offset: start, message: "unterminated string")
                }
                if scalar == quote {
                    if !triple { advance(); return String(out) }
                    if scalars.count - position >= 3, scalars[position + 1] == quote, scalars[position + 2] == quote {
                        position += 3
                        return String(out)
                    }
                }
                if (scalar == "\n" || scalar == "\r") && !triple {
                    throw fail("line break inside a single-quoted string")
                }
                advance()
                guard scalar == "\\" else { out.append(scalar); continue }
                guard let escaped = peek else { throw SyntaxError(offset: start, message: "unterminated string") }
                if raw {
                    out.append("\\")
                    out.append(escaped)
                    advance()
                    continue
                }
                try escape(into: &out)
            }
        }

        /// Decodes the escape at `position` (the scalar after a backslash).
        mutating func escape(into out: inout String.UnicodeScalarView) throws {
            switch PythonStringEscape.decode(scalars, at: &position) {
            case .success(.scalar(let decoded)): out.append(decoded)
            case .success(.lineContinuation): break
            case .success(.unknown(let letter)):
                // Python keeps unknown escapes verbatim (with a warning).
                out.append("\\")
                out.append(letter)
            case .failure(.truncated(let spelling)): throw fail("truncated \\\(spelling) escape")
            case .failure(.notAScalar): throw fail("escape is not a Unicode scalar")
            }
        }

        mutating func number() throws -> PythonValue {
            let start = position
            var negative = false
            while let sign = peek, sign == "-" || sign == "+" {
                if sign == "-" { negative.toggle() }
                advance()
                skipSpace()
            }
            let bodyStart = position
            var isFloat = false
            func digitRun(_ parser: inout Parser) -> Int {
                var count = 0
                while let scalar = parser.peek, ("0"..."9").contains(scalar) || (scalar == "_" && count > 0) {
                    parser.advance()
                    count += 1
                }
                return count
            }
            let integerDigits = digitRun(&self)
            var fractionDigits = 0
            if peek == "." {
                isFloat = true
                advance()
                fractionDigits = digitRun(&self)
            }
            guard integerDigits + fractionDigits > 0 else {
                if consume("inf") || consume("nan") {
                    throw SyntaxError(offset: start, message: "inf/nan are not Python literals")
                }
                throw SyntaxError(offset: start, message: "invalid number")
            }
            if let e = peek, e == "e" || e == "E" {
                isFloat = true
                advance()
                if let sign = peek, sign == "+" || sign == "-" { advance() }
                guard digitRun(&self) > 0 else { throw fail("invalid exponent") }
            }
            if let scalar = peek, scalar == "j" || scalar == "J" { throw fail("complex numbers are not supported") }
            let body = String(String.UnicodeScalarView(scalars[bodyStart..<position]))
            let text = (negative ? "-" : "") + body
            if isFloat {
                guard let value = PythonFloat.parse(text) else { throw SyntaxError(offset: start, message: "invalid float") }
                return .float(value, text: text)
            }
            if body.count > 1, body.hasPrefix("0"), body.contains(where: { $0 != "0" && $0 != "_" }) {
                throw SyntaxError(offset: start, message: "leading zeros in an integer literal")
            }
            return .integer(text: text)
        }
    }
}
