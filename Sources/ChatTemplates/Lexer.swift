import TextFormats

/// The operators of the expression language; the raw value is the spelling.
enum Operator: String, Sendable {
    case add = "+", sub = "-", div = "/", floorDiv = "//", mul = "*", mod = "%", pow = "**", tilde = "~"
    case leftBracket = "[", rightBracket = "]", leftParen = "(", rightParen = ")", leftBrace = "{", rightBrace = "}"
    case equal = "==", notEqual = "!=", greater = ">", greaterEqual = ">=", less = "<", lessEqual = "<="
    case assign = "=", dot = ".", colon = ":", pipe = "|", comma = ",", semicolon = ";"
}

struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case data(String)
        case variableBegin, variableEnd, blockBegin, blockEnd
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        case op(Operator)
        case end
    }

    var kind: Kind
    /// Byte offset of the token in the normalised source.
    var offset: Int
}

/// Splits template source into data and tag tokens exactly as jinja2's lexer does with transformers' settings:
/// `trim_blocks` (one newline after a block or comment tag is dropped), `lstrip_blocks` (spaces before a block
/// or comment tag at the start of a line are dropped), `-`/`+` whitespace control, `{% raw %}`, comments,
/// newlines normalised to `\n`, and a single trailing newline removed.
struct Lexer {
    /// The newline-normalised source that token offsets refer to.
    let source: [UInt8]
    private var position = 0
    private var tokens: [Token] = []
    /// Whether the previous tag ended at a line break; lstrip_blocks then applies to text without a newline.
    private var lineStarting = true
    /// Open brackets inside a tag: while any is open, `}}` and `%}` are operators, not tag ends.
    private var brackets: [(close: UInt8, offset: Int)] = []

    /// Tokens of a source already passed through ``normalizeNewlines(_:)`` (offsets refer to it).
    static func tokenize(normalized source: [UInt8]) throws -> [Token] {
        var lexer = Lexer(source: source)
        try lexer.run()
        lexer.tokens.append(Token(kind: .end, offset: lexer.source.count))
        return lexer.tokens
    }

    private init(source: [UInt8]) {
        self.source = source
    }

    /// `\r\n` and `\r` become `\n`; one trailing newline goes (jinja2's `keep_trailing_newline=False`).
    static func normalizeNewlines(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == 0x0D {
                bytes.append(0x0A)
                previousWasCR = true
                continue
            }
            if byte == 0x0A, previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            bytes.append(byte)
        }
        if bytes.last == 0x0A { bytes.removeLast() }
        return bytes
    }

    // MARK: - Root state: data and tag openings

    private enum TagKind { case variable, block, comment, raw }

    private struct TagOpening {
        var kind: TagKind
        var start: Int
        /// `-`, `+` or nil: whitespace control written right after the opening delimiter.
        var sign: UInt8?
        /// Where the tag's contents begin (for raw: where the raw text begins).
        var contentStart: Int
    }

    private mutating func run() throws {
        while position < source.count {
            guard let opening = nextOpening(from: position) else {
                emitData(position, source.count)
                position = source.count
                return
            }
            let textEnd = strippedTextEnd(textStart: position, textEnd: opening.start, sign: opening.sign,
                                          lstripApplies: opening.kind != .variable)
            emitData(position, textEnd)
            switch opening.kind {
            case .comment:
                try skipComment(opening)
            case .raw:
                position = opening.contentStart
                lineStarting = source[position - 1] == 0x0A
                try lexRawBody(startedAt: opening.start)
            case .variable, .block:
                tokens.append(Token(kind: opening.kind == .block ? .blockBegin : .variableBegin, offset: opening.start))
                position = opening.contentStart
                try lexTag(isBlock: opening.kind == .block)
            }
        }
    }

    /// The earliest `{{`, `{%` or `{#` at or after `from`.
    private func nextOpening(from start: Int) -> TagOpening? {
        var index = start
        while index + 1 < source.count {
            if source[index] == UInt8(ascii: "{") {
                let next = source[index + 1]
                let kind: TagKind? = switch next {
                case UInt8(ascii: "{"): .variable
                case UInt8(ascii: "%"): .block
                case UInt8(ascii: "#"): .comment
                default: nil
                }
                if let kind {
                    var contentStart = index + 2
                    var sign: UInt8?
                    if contentStart < source.count, source[contentStart] == UInt8(ascii: "-") || source[contentStart] == UInt8(ascii: "+") {
                        sign = source[contentStart]
                        contentStart += 1
                    }
                    if kind == .block, let rawBody = rawOpeningEnd(after: contentStart) {
                        return TagOpening(kind: .raw, start: index, sign: sign, contentStart: rawBody)
                    }
                    return TagOpening(kind: kind, start: index, sign: sign, contentStart: contentStart)
                }
            }
            index += 1
        }
        return nil
    }

    /// If `{%` is followed by `\s*raw\s*(-%}\s*|%})`, where the raw text begins. (jinja2 applies no
    /// trim_blocks to the raw opening tag.)
    private func rawOpeningEnd(after start: Int) -> Int? {
        var index = skipSpaces(from: start)
        guard matches("raw", at: index) else { return nil }
        index = skipSpaces(from: index + 3)
        if matches("-%}", at: index) { return skipSpaces(from: index + 3) }
        if matches("%}", at: index) { return index + 2 }
        return nil
    }

    /// Where the text before a tag ends once whitespace control is applied.
    private func strippedTextEnd(textStart: Int, textEnd: Int, sign: UInt8?, lstripApplies: Bool) -> Int {
        if sign == UInt8(ascii: "-") {
            var end = textEnd
            while end > textStart, let (scalar, length) = scalarBefore(end), PythonText.isSpace(scalar) {
                end -= length
            }
            return max(end, textStart)
        }
        guard sign != UInt8(ascii: "+"), lstripApplies else { return textEnd }
        var lineStart = textEnd
        while lineStart > textStart, source[lineStart - 1] != 0x0A { lineStart -= 1 }
        guard lineStart > textStart || lineStarting else { return textEnd }
        guard lineStart < textEnd else { return textEnd }
        var index = lineStart
        while index < textEnd {
            let (scalar, length) = scalarAt(index)
            guard PythonText.isSpace(scalar) else { return textEnd }
            index += length
        }
        return lineStart
    }

    private mutating func emitData(_ start: Int, _ end: Int) {
        guard end > start else { return }
        tokens.append(Token(kind: .data(String(decoding: source[start..<end], as: UTF8.self)), offset: start))
    }

    // MARK: - Comments and raw blocks

    private mutating func skipComment(_ opening: TagOpening) throws {
        var index = opening.contentStart
        while index < source.count {
            if matches("+#}", at: index) {
                finishTag(at: index + 3)
                return
            }
            if matches("-#}", at: index) {
                finishTag(at: skipSpaces(from: index + 3))
                return
            }
            if matches("#}", at: index) {
                finishTag(at: trimmedNewline(after: index + 2))
                return
            }
            index += 1
        }
        throw TemplateError.syntax("missing end of comment tag '#}'", at: opening.start)
    }

    private mutating func lexRawBody(startedAt start: Int) throws {
        var index = position
        while index + 1 < source.count {
            if source[index] == UInt8(ascii: "{"), source[index + 1] == UInt8(ascii: "%") {
                var cursor = index + 2
                var sign: UInt8?
                if cursor < source.count, source[cursor] == UInt8(ascii: "-") || source[cursor] == UInt8(ascii: "+") {
                    sign = source[cursor]
                    cursor += 1
                }
                cursor = skipSpaces(from: cursor)
                if matches("endraw", at: cursor) {
                    cursor = skipSpaces(from: cursor + 6)
                    var end: Int?
                    if matches("+%}", at: cursor) { end = cursor + 3 }
                    else if matches("-%}", at: cursor) { end = skipSpaces(from: cursor + 3) }
                    else if matches("%}", at: cursor) { end = trimmedNewline(after: cursor + 2) }
                    if let end {
                        let textEnd = strippedTextEnd(textStart: position, textEnd: index, sign: sign, lstripApplies: true)
                        emitData(position, textEnd)
                        finishTag(at: end)
                        return
                    }
                }
            }
            index += 1
        }
        throw TemplateError.syntax("missing '{% endraw %}' for the raw block", at: start)
    }

    private mutating func finishTag(at end: Int) {
        position = end
        lineStarting = end > 0 && source[end - 1] == 0x0A
    }

    /// trim_blocks: the single newline right after a block or comment tag is dropped.
    private func trimmedNewline(after index: Int) -> Int {
        index < source.count && source[index] == 0x0A ? index + 1 : index
    }

    // MARK: - Inside `{{ … }}` and `{% … %}`

    private mutating func lexTag(isBlock: Bool) throws {
        brackets.removeAll()
        while position < source.count {
            if brackets.isEmpty, let end = tagEnd(at: position, isBlock: isBlock) {
                tokens.append(Token(kind: isBlock ? .blockEnd : .variableEnd, offset: position))
                finishTag(at: end)
                return
            }
            let (scalar, length) = scalarAt(position)
            if PythonText.isSpace(scalar) {
                position += length
                continue
            }
            let start = position
            if let number = try lexNumber() {
                tokens.append(Token(kind: number, offset: start))
            } else if let name = lexName() {
                tokens.append(Token(kind: .name(name), offset: start))
            } else if scalar == "'" || scalar == "\"" {
                tokens.append(Token(kind: .string(try lexString()), offset: start))
            } else if let op = try lexOperator() {
                tokens.append(Token(kind: .op(op), offset: start))
            } else {
                throw TemplateError.syntax("unexpected character '\(scalar.escaped(asASCII: false))'", at: start)
            }
        }
        // The source ended inside the tag; the parser reports what it was waiting for.
    }

    /// Where the tag ends if its closing delimiter starts at `index`.
    private func tagEnd(at index: Int, isBlock: Bool) -> Int? {
        if isBlock {
            if matches("+%}", at: index) { return index + 3 }
            if matches("-%}", at: index) { return skipSpaces(from: index + 3) }
            if matches("%}", at: index) { return trimmedNewline(after: index + 2) }
        } else {
            if matches("-}}", at: index) { return skipSpaces(from: index + 3) }
            if matches("}}", at: index) { return index + 2 }
        }
        return nil
    }

    private mutating func lexOperator() throws -> Operator? {
        let start = position
        if position + 1 < source.count {
            let pair = String(decoding: source[position...position + 1], as: UTF8.self)
            if let op = Operator(rawValue: pair) {
                position += 2
                return op
            }
        }
        guard let op = Operator(rawValue: String(UnicodeScalar(source[position]))) else { return nil }
        position += 1
        switch op {
        case .leftParen: brackets.append((UInt8(ascii: ")"), start))
        case .leftBracket: brackets.append((UInt8(ascii: "]"), start))
        case .leftBrace: brackets.append((UInt8(ascii: "}"), start))
        case .rightParen, .rightBracket, .rightBrace:
            let close = source[start]
            guard let open = brackets.popLast() else {
                throw TemplateError.syntax("unexpected '\(op.rawValue)'", at: start)
            }
            guard open.close == close else {
                throw TemplateError.syntax(
                    "unexpected '\(op.rawValue)', expected '\(UnicodeScalar(open.close))'", at: start)
            }
        default: break
        }
        return op
    }

    private mutating func lexName() -> String? {
        let start = position
        var index = position
        var first = true
        while index < source.count {
            let (scalar, length) = scalarAt(index)
            let accepted: Bool
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
                let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                accepted = letter || byte == UInt8(ascii: "_") || (!first && digit)
            } else {
                accepted = first ? scalar.properties.isXIDStart : scalar.properties.isXIDContinue
            }
            guard accepted else { break }
            index += length
            first = false
        }
        guard index > start else { return nil }
        position = index
        return String(decoding: source[start..<index], as: UTF8.self)
    }

    // MARK: Numbers (jinja2's float_re, then integer_re)

    private func isDigit(_ index: Int) -> Bool {
        index < source.count && source[index] >= UInt8(ascii: "0") && source[index] <= UInt8(ascii: "9")
    }

    /// `(\d+_)*\d+`: digits with single underscores between them. Returns the end, or nil without a digit.
    private func digitGroupEnd(from index: Int) -> Int? {
        guard isDigit(index) else { return nil }
        var end = index
        while isDigit(end) { end += 1 }
        while end < source.count, source[end] == UInt8(ascii: "_"), isDigit(end + 1) {
            end += 1
            while isDigit(end) { end += 1 }
        }
        return end
    }

    private mutating func lexNumber() throws -> Token.Kind? {
        let start = position
        guard let integerEnd = digitGroupEnd(from: start) else { return nil }
        // Float: not directly after a dot; digits, then an exponent (optionally after a fraction) or a fraction.
        if start == 0 || source[start - 1] != UInt8(ascii: ".") {
            var fractionEnd: Int?
            if integerEnd < source.count, source[integerEnd] == UInt8(ascii: "."), let end = digitGroupEnd(from: integerEnd + 1) {
                fractionEnd = end
            }
            let mantissaEnd = fractionEnd ?? integerEnd
            var exponentEnd: Int?
            if mantissaEnd < source.count, source[mantissaEnd] | 0x20 == UInt8(ascii: "e") {
                var cursor = mantissaEnd + 1
                if cursor < source.count, source[cursor] == UInt8(ascii: "+") || source[cursor] == UInt8(ascii: "-") { cursor += 1 }
                exponentEnd = digitGroupEnd(from: cursor)
            }
            if let end = exponentEnd ?? fractionEnd {
                position = end
                let text = String(decoding: source[start..<end].filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
                guard let value = Double(text) else { throw TemplateError.syntax("invalid number '\(text)'", at: start) }
                return .float(value)
            }
        }
        // Integer: 0b/0o/0x with optional underscores, decimal without leading zeros, or zeros.
        if source[start] == UInt8(ascii: "0"), start + 1 < source.count {
            let prefix = source[start + 1] | 0x20
            let radix: Int? = switch prefix {
            case UInt8(ascii: "b"): 2
            case UInt8(ascii: "o"): 8
            case UInt8(ascii: "x"): 16
            default: nil
            }
            if let radix {
                var cursor = start + 2
                var digits = ""
                while true {
                    var next = cursor
                    if next < source.count, source[next] == UInt8(ascii: "_") { next += 1 }
                    guard next < source.count, let digit = Int(String(UnicodeScalar(source[next])), radix: radix) else { break }
                    digits += String(digit, radix: radix)
                    cursor = next + 1
                }
                if !digits.isEmpty {
                    position = cursor
                    guard let value = Int(digits, radix: radix) else {
                        throw TemplateError(.overflow, "integer literal does not fit in 64 bits", offset: start)
                    }
                    return .integer(value)
                }
            }
        }
        var end = start + 1
        if source[start] == UInt8(ascii: "0") {
            while end < source.count {
                if source[end] == UInt8(ascii: "0") { end += 1 }
                else if source[end] == UInt8(ascii: "_"), end + 1 < source.count, source[end + 1] == UInt8(ascii: "0") { end += 2 }
                else { break }
            }
            position = end
            return .integer(0)
        }
        while end < source.count {
            if isDigit(end) { end += 1 }
            else if source[end] == UInt8(ascii: "_"), isDigit(end + 1) { end += 2 }
            else { break }
        }
        position = end
        let text = String(decoding: source[start..<end].filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        guard let value = Int(text) else {
            throw TemplateError(.overflow, "integer literal \(text) does not fit in 64 bits", offset: start)
        }
        return .integer(value)
    }

    // MARK: Strings (Python's unicode-escape rules, as jinja2 decodes them)

    private mutating func lexString() throws -> String {
        let start = position
        let quote = source[start]
        var index = start + 1
        while index < source.count, source[index] != quote {
            index += source[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard index < source.count else { throw TemplateError.syntax("unterminated string literal", at: start) }
        position = index + 1
        let body = String(decoding: source[(start + 1)..<index], as: UTF8.self)
        return try Lexer.unescape(body, at: start)
    }

    static func unescape(_ body: String, at offset: Int) throws -> String {
        guard body.utf8.contains(UInt8(ascii: "\\")) else { return body }
        let scalars = Array(body.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            guard scalar == "\\" else {
                out.append(scalar)
                continue
            }
            guard index < scalars.count else {
                throw TemplateError.syntax("\\ at end of string", at: offset)
            }
            switch PythonStringEscape.decode(scalars, at: &index) {
            case .success(.scalar(let decoded)): out.append(decoded)
            case .success(.lineContinuation): break
            case .success(.unknown("N")):
                throw TemplateError(.unsupported, "\\N{…} escapes in string literals are not supported", offset: offset)
            case .success(.unknown(let escape)):
                out.append("\\")
                if escape.isASCII {
                    out.append(escape)
                } else {
                    // jinja2 backslash-escapes non-ASCII characters before decoding, so "\é" decodes to the
                    // four characters \xe9.
                    let value = escape.value
                    let spelled = value <= 0xFF ? "x" + PythonText.hex(value, width: 2)
                        : value <= 0xFFFF ? "u" + PythonText.hex(value, width: 4)
                        : "U" + PythonText.hex(value, width: 8)
                    out.append(contentsOf: spelled.unicodeScalars)
                }
            case .failure(.truncated(let spelling)):
                throw TemplateError.syntax("truncated \\\(spelling) escape", at: offset)
            case .failure(.notAScalar(let value)):
                throw TemplateError.syntax("string literal escape \\U\(PythonText.hex(value, width: 8)) is not a Unicode scalar", at: offset)
            }
        }
        return String(out)
    }

    // MARK: - Byte helpers

    private func matches(_ literal: StaticString, at index: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= source.count else { return false }
        return literal.withUTF8Buffer { buffer in
            for offset in 0..<count where source[index + offset] != buffer[offset] { return false }
            return true
        }
    }

    private func skipSpaces(from index: Int) -> Int {
        var cursor = index
        while cursor < source.count {
            let (scalar, length) = scalarAt(cursor)
            guard PythonText.isSpace(scalar) else { break }
            cursor += length
        }
        return cursor
    }

    /// The scalar starting at `index` and its UTF-8 length (the source is valid UTF-8: it came from a String).
    private func scalarAt(_ index: Int) -> (Unicode.Scalar, Int) {
        let lead = source[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead) & (0xFF >> (length + 1))
        for offset in 1..<length where index + offset < source.count {
            value = value << 6 | UInt32(source[index + offset] & 0x3F)
        }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    private func scalarBefore(_ end: Int) -> (Unicode.Scalar, Int)? {
        guard end > 0 else { return nil }
        var start = end - 1
        while start > 0, source[start] & 0xC0 == 0x80 { start -= 1 }
        let (scalar, _) = scalarAt(start)
        return (scalar, end - start)
    }
}
