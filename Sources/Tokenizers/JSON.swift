/// A parsed JSON value. Strings are kept as UTF-8 bytes: tokenizer vocabularies must be compared byte for
/// byte, and Swift `String` equality would merge canonically equivalent tokens ("é" and "e\u{301}").
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string([UInt8])
    case array([JSONValue])
    case object([(key: [UInt8], value: JSONValue)])

    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A recursive-descent JSON parser that reports the byte offset of the first error and refuses nesting
/// deep enough to exhaust the stack.
struct JSONParser {
    struct Failure: Error {
        let offset: Int
        let reason: String
    }

    static let maximumDepth = 256

    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw Failure(offset: parser.position, reason: "unexpected data after the top-level value")
        }
        return value
    }

    private let bytes: [UInt8]
    private var position = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func fail(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

    private mutating func parseValue(depth: Int) throws(Failure) -> JSONValue {
        guard depth < Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth)") }
        guard position < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character '\(Unicode.Scalar(bytes[position]))'")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw fail("unexpected end of input") }
        let matches = literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        guard matches else { throw fail("invalid literal") }
        position += count
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> JSONValue {
        position += 1
        var members: [(key: [UInt8], value: JSONValue)] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
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
            members.append((key, try parseValue(depth: depth + 1)))
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end of input in an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> JSONValue {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end of input in an array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func parseNumber() throws(Failure) -> Double {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        func digits(_ p: inout Int, _ b: [UInt8]) -> Int {
            let s = p
            while p < b.count, b[p] >= 0x30, b[p] <= 0x39 { p += 1 }
            return p - s
        }
        guard digits(&position, bytes) > 0 else { throw fail("expected digits") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits(&position, bytes) > 0 else { throw fail("expected digits after '.'") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits(&position, bytes) > 0 else { throw fail("expected exponent digits") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text) else { throw Failure(offset: start, reason: "invalid number") }
        return value
    }

    private mutating func parseHex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func parseString() throws(Failure) -> [UInt8] {
        position += 1
        var out: [UInt8] = []
        var runStart = position
        while true {
            guard position < bytes.count else { throw fail("unterminated string") }
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                out.append(contentsOf: bytes[runStart..<position])
                position += 1
                return out
            }
            if c < 0x20 { throw fail("control character in a string") }
            if c != UInt8(ascii: "\\") { position += 1; continue }
            out.append(contentsOf: bytes[runStart..<position])
            position += 1
            guard position < bytes.count else { throw fail("unterminated escape") }
            let e = bytes[position]
            position += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try parseHex4()
                if (0xD800..<0xDC00).contains(code), position + 6 <= bytes.count,
                   bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                    let save = position
                    position += 2
                    let low = try parseHex4()
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        position = save
                    }
                }
                // A lone surrogate cannot be represented in UTF-8; serde_json rejects it too.
                guard let scalar = Unicode.Scalar(code) else { throw fail("lone surrogate in \\u escape") }
                UTF8.encode(scalar) { out.append($0) }
            default:
                throw fail("invalid escape '\\\(Unicode.Scalar(e))'")
            }
            runStart = position
        }
    }
}

/// A JSON value together with its location, so that every accessor can throw an error naming the file
/// and the JSON path of the offending value.
struct JSONNode {
    let value: JSONValue
    let path: String
    let file: String

    func error(_ reason: String) -> TokenizerError {
        .invalidField(file: file, path: path, reason: reason)
    }

    func unsupported(_ what: String) -> TokenizerError {
        .unsupported(file: file, path: path, what: what)
    }

    var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// The member `key` of an object, or `nil` when absent or JSON null.
    func optional(_ key: String) throws(TokenizerError) -> JSONNode? {
        guard case .object(let members) = value else {
            throw error("expected an object, found \(value.typeName)")
        }
        let keyBytes = Array(key.utf8)
        for member in members where member.key == keyBytes {
            if case .null = member.value { return nil }
            return JSONNode(value: member.value, path: path + "." + key, file: file)
        }
        return nil
    }

    func required(_ key: String) throws(TokenizerError) -> JSONNode {
        guard let node = try optional(key) else {
            throw TokenizerError.invalidField(file: file, path: path + "." + key, reason: "missing")
        }
        return node
    }

    func string() throws(TokenizerError) -> String {
        String(decoding: try bytes(), as: UTF8.self)
    }

    func bytes() throws(TokenizerError) -> [UInt8] {
        guard case .string(let bytes) = value else { throw error("expected a string, found \(value.typeName)") }
        return bytes
    }

    func bool() throws(TokenizerError) -> Bool {
        guard case .bool(let flag) = value else { throw error("expected a boolean, found \(value.typeName)") }
        return flag
    }

    func double() throws(TokenizerError) -> Double {
        guard case .number(let number) = value else { throw error("expected a number, found \(value.typeName)") }
        return number
    }

    /// A non-negative integer no larger than `limit`.
    func int(max limit: Int = Int(Int32.max)) throws(TokenizerError) -> Int {
        let number = try double()
        guard number >= 0, number <= Double(limit), number.rounded() == number else {
            throw error("expected an integer in 0...\(limit), found \(number)")
        }
        return Int(number)
    }

    func array() throws(TokenizerError) -> [JSONNode] {
        guard case .array(let elements) = value else { throw error("expected an array, found \(value.typeName)") }
        var nodes: [JSONNode] = []
        nodes.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            nodes.append(JSONNode(value: element, path: "\(path)[\(index)]", file: file))
        }
        return nodes
    }

    /// The elements without per-element paths, for hot loops over large arrays (merges); build a child
    /// with `element(_:at:)` only when reporting an error.
    func rawArray() throws(TokenizerError) -> [JSONValue] {
        guard case .array(let elements) = value else { throw error("expected an array, found \(value.typeName)") }
        return elements
    }

    func element(_ value: JSONValue, at index: Int) -> JSONNode {
        JSONNode(value: value, path: "\(path)[\(index)]", file: file)
    }

    /// The members without per-member paths, for hot loops over large objects (vocabularies).
    func rawMembers() throws(TokenizerError) -> [(key: [UInt8], value: JSONValue)] {
        guard case .object(let members) = value else {
            throw error("expected an object, found \(value.typeName)")
        }
        return members
    }

    func member(_ value: JSONValue, key: [UInt8]) -> JSONNode {
        JSONNode(value: value, path: path + "[\"" + String(decoding: key, as: UTF8.self) + "\"]", file: file)
    }

    /// The members of an object, in file order, with keys as UTF-8 bytes.
    func members() throws(TokenizerError) -> [(key: [UInt8], node: JSONNode)] {
        guard case .object(let members) = value else {
            throw error("expected an object, found \(value.typeName)")
        }
        return members.map { member in
            (member.key, JSONNode(value: member.value, path: path + "[\"" + String(decoding: member.key, as: UTF8.self) + "\"]", file: file))
        }
    }

    func optionalBool(_ key: String, default fallback: Bool) throws(TokenizerError) -> Bool {
        try optional(key)?.bool() ?? fallback
    }

    func optionalString(_ key: String) throws(TokenizerError) -> String? {
        try optional(key)?.string()
    }

    static func parse(_ bytes: [UInt8], file: String) throws(TokenizerError) -> JSONNode {
        do {
            return JSONNode(value: try JSONParser.parse(bytes), path: "$", file: file)
        } catch {
            throw TokenizerError.malformedJSON(file: file, offset: error.offset, reason: error.reason)
        }
    }
}
