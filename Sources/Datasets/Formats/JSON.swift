// A small strict JSON reader (RFC 8259) instead of Foundation's JSONSerialization: errors name the line, numbers
// keep their source text (the GlobalOpinionsQA quirk works on the text of a number), and booleans are never
// confused with the numbers 0 and 1 the way NSNumber bridging does on Linux.

/// A parsed JSON value.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The value and the number exactly as written.
    case number(Double, text: String)
    case string(String)
    case array([JSONValue], line: Int)
    /// Members in document order; `line` is where the object opens.
    case object([JSONMember], line: Int)

    /// Parses a document; errors are `file:line: message`.
    public static func parse(_ bytes: [UInt8], file: String) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes, file: file)
        return try parser.document()
    }

    /// Parses one line of a JSON Lines file, reporting errors at `line`.
    public static func parse(line text: Substring, file: String, line: Int) throws -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8), file: file)
        parser.line = line
        return try parser.document()
    }
}

public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue
}

/// A JSON value with the file and path it came from, so a missing or mistyped field is reported precisely
/// (`data.json:12: data[3].paragraphs[0].qas: expected an array`).
public struct JSONCursor: Sendable {
    public let value: JSONValue
    public let file: String
    public let path: String

    public init(_ value: JSONValue, file: String, path: String = "$") {
        self.value = value
        self.file = file
        self.path = path
    }

    public var line: Int? {
        switch value {
        case .array(_, let line), .object(_, let line): line
        default: nil
        }
    }

    public func error(_ message: String) -> DatasetError {
        DatasetError(file: file, line: line, "\(path): \(message)")
    }

    public func members() throws -> [JSONMember] {
        guard case .object(let members, _) = value else { throw error("expected an object") }
        return members
    }

    public func items() throws -> [JSONCursor] {
        guard case .array(let values, _) = value else { throw error("expected an array") }
        return values.enumerated().map { JSONCursor($1, file: file, path: "\(path)[\($0)]") }
    }

    /// The member `key`; an error if it is absent.
    public subscript(key: String) -> JSONCursor {
        get throws {
            guard let found = try optional(key) else { throw error("missing field '\(key)'") }
            return found
        }
    }

    public func optional(_ key: String) throws -> JSONCursor? {
        let members = try members()
        guard let member = members.first(where: { $0.key == key }) else { return nil }
        // Nested values report the line of their enclosing object when they have none of their own.
        return JSONCursor(member.value, file: file, path: "\(path).\(key)")
    }

    public func string() throws -> String {
        guard case .string(let string) = value else { throw error("expected a string") }
        return string
    }

    public func number() throws -> Double {
        guard case .number(let number, _) = value else { throw error("expected a number") }
        return number
    }

    public func numberText() throws -> String {
        guard case .number(_, let text) = value else { throw error("expected a number") }
        return text
    }

    public func bool() throws -> Bool {
        guard case .bool(let bool) = value else { throw error("expected true or false") }
        return bool
    }

    public var isNull: Bool { value == .null }
}

private struct JSONParser {
    let bytes: [UInt8]
    let file: String
    var position = 0
    var line = 1
    var depth = 0

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    mutating func document() throws -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw fail("unexpected text after the JSON value") }
        return value
    }

    func fail(_ message: String) -> DatasetError { DatasetError(file: file, line: line, message) }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): position += 1
            case UInt8(ascii: "\n"): position += 1; line += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws -> JSONValue {
        guard position < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[position])))'")
        }
    }

    mutating func expect(_ word: String) throws {
        let utf8 = Array(word.utf8)
        guard bytes.count - position >= utf8.count, Array(bytes[position..<position + utf8.count]) == utf8 else {
            throw fail("invalid literal, expected '\(word)'")
        }
        position += utf8.count
    }

    mutating func nest() throws {
        depth += 1
        if depth > 512 { throw fail("nesting deeper than 512 levels") }
    }

    mutating func parseObject() throws -> JSONValue {
        let start = line
        try nest()
        defer { depth -= 1 }
        position += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members, line: start)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw fail("expected a string key")
            }
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            position += 1
            skipWhitespace()
            members.append(JSONMember(key: key, value: try parseValue()))
            skipWhitespace()
            guard position < bytes.count else { throw fail("unterminated object (opened on line \(start))") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members, line: start) }
            throw fail("expected ',' or '}'")
        }
    }

    mutating func parseArray() throws -> JSONValue {
        let start = line
        try nest()
        defer { depth -= 1 }
        position += 1
        var values: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(values, line: start)
        }
        while true {
            skipWhitespace()
            values.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw fail("unterminated array (opened on line \(start))") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(values, line: start) }
            throw fail("expected ',' or ']'")
        }
    }

    mutating func parseNumber() throws -> JSONValue {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        func digits(_ parser: inout JSONParser) -> Int {
            var count = 0
            while parser.position < parser.bytes.count,
                  (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.position]) {
                parser.position += 1
                count += 1
            }
            return count
        }
        let intStart = position
        guard digits(&self) > 0 else { throw fail("invalid number") }
        if bytes[intStart] == UInt8(ascii: "0"), position - intStart > 1 { throw fail("leading zero in number") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw fail("invalid number: digits expected after '.'") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits(&self) > 0 else { throw fail("invalid number: exponent digits expected") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text) else { throw fail("invalid number '\(text)'") }
        return .number(value, text: text)
    }

    mutating func parseString() throws -> String {
        let start = line
        position += 1
        var utf8: [UInt8] = []
        while true {
            // Copy the run up to the next quote, backslash or control character in one go.
            let runStart = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                position += 1
            }
            utf8.append(contentsOf: bytes[runStart..<position])
            guard position < bytes.count else { throw fail("unterminated string (opened on line \(start))") }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: utf8, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
                return text
            }
            guard byte == UInt8(ascii: "\\") else { throw fail("control character in string") }
            guard position < bytes.count else { throw fail("unterminated escape") }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
                          bytes[position + 1] == UInt8(ascii: "u") else { throw fail("unpaired surrogate") }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: throw fail("invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
            }
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard bytes.count - position >= 4 else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
