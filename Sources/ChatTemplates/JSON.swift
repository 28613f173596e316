// JSON in and out the way Python's `json` module does it: parsing keeps key order and tells ints (`1`) from
// floats (`1.0`); serialising is `json.dumps` (transformers' `tojson` filter), byte for byte.

extension Value {
    /// Parses JSON text into a template value, as Python's `json.loads` would: objects keep their key order,
    /// `1` is an int and `1.0` a float, and `NaN`/`Infinity` are accepted.
    public init(json text: String) throws(TemplateError) {
        var parser = JSONParser(bytes: Array(text.utf8))
        do {
            self = try parser.parseDocument()
        } catch let error as TemplateError {
            throw error
        } catch {
            throw TemplateError(.value, "\(error)")
        }
    }
}

struct JSONParser {
    static let maximumDepth = 128

    let bytes: [UInt8]
    var position = 0
    var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws -> Value {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected text after the JSON value") }
        return value
    }

    private func failure(_ message: String) -> TemplateError {
        // Report the place as line:column, the way an editor shows it.
        var line = 1, column = 1
        for byte in bytes[..<min(position, bytes.count)] {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return TemplateError(.value, "invalid JSON at \(line):\(column): \(message)")
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func expect(_ literal: String) throws {
        let utf8 = Array(literal.utf8)
        guard position + utf8.count <= bytes.count, Array(bytes[position..<(position + utf8.count)]) == utf8 else {
            throw failure("expected '\(literal)'")
        }
        position += utf8.count
    }

    private mutating func parseValue() throws -> Value {
        guard position < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .none
        case UInt8(ascii: "N"): try expect("NaN"); return .float(.nan)
        case UInt8(ascii: "I"): try expect("Infinity"); return .float(.infinity)
        default: return try parseNumber()
        }
    }

    private mutating func enter() throws {
        depth += 1
        if depth > JSONParser.maximumDepth { throw failure("nested deeper than \(JSONParser.maximumDepth) levels") }
    }

    private mutating func parseObject() throws -> Value {
        try enter()
        defer { depth -= 1 }
        position += 1
        var dictionary = ValueDictionary()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .dict(dictionary)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let key = try parseString()
            skipWhitespace()
            try expect(":")
            skipWhitespace()
            try dictionary.set(.string(key), try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of input in an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .dict(dictionary) }
            throw failure("expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws -> Value {
        try enter()
        defer { depth -= 1 }
        position += 1
        var items: [Value] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .list(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of input in an array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return .list(items) }
            throw failure("expected ',' or ']'")
        }
    }

    private mutating func parseNumber() throws -> Value {
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "I") {
                try expect("Infinity")
                return .float(-.infinity)
            }
        }
        func digits() -> Int {
            let begin = position
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
            return position - begin
        }
        guard digits() > 0 else {
            position = start
            throw failure("unexpected character")
        }
        var isFloat = false
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            isFloat = true
            guard digits() > 0 else { throw failure("expected digits after '.'") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            isFloat = true
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw failure("expected digits in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if !isFloat {
            if let integer = Int(text) { return .int(integer) }
            // Python's ints are unbounded (tokenizer_config.json's model_max_length is often 1e30 written out);
            // beyond 64 bits the nearest float is the closest a template here can see.
            guard let number = Double(text) else { throw failure("invalid number \(text)") }
            return .float(number)
        }
        guard let number = Double(text) else { throw failure("invalid number \(text)") }
        return .float(number)
    }

    private mutating func parseString() throws -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flushRun() {
            if runStart < position {
                scalars.append(contentsOf: String(decoding: bytes[runStart..<position], as: UTF8.self).unicodeScalars)
            }
        }
        while true {
            guard position < bytes.count else { throw failure("unterminated string") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                flushRun()
                position += 1
                return String(scalars)
            }
            if byte < 0x20 { throw failure("control character in a string") }
            if byte != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            flushRun()
            position += 1
            guard position < bytes.count else { throw failure("unterminated escape") }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var value = try hex4()
                if (0xD800..<0xDC00).contains(value), position + 1 < bytes.count,
                   bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                    let save = position
                    position += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        position = save
                    }
                }
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default:
                throw failure("invalid escape")
            }
            runStart = position
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[position..<(position + 4)] {
            guard let digit = Int(String(UnicodeScalar(byte)), radix: 16) else { throw failure("invalid \\u escape") }
            value = value * 16 + UInt32(digit)
        }
        position += 4
        return value
    }
}

/// `json.dumps(value, ensure_ascii=…, indent=…, separators=…, sort_keys=…)`.
struct JSONDumper {
    var ensureASCII = false
    /// nil: everything on one line.
    var indent: String?
    var itemSeparator = ", "
    var keySeparator = ": "
    var sortKeys = false
    let evaluator: Evaluator

    func dumps(_ value: Value) throws -> String {
        var out = ""
        try write(value, into: &out, level: 0)
        return out
    }

    private func write(_ value: Value, into out: inout String, level: Int) throws {
        try evaluator.enterValue(depth: level)
        switch value {
        case .none: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let number): out += String(number)
        case .float(let number): out += JSONDumper.float(number)
        case .string(let text), .markup(let text): out += quote(text)
        case .list(let items), .tuple(let items):
            try writeSequence(items.count, open: "[", close: "]", into: &out, level: level) { index, out in
                try write(items[index], into: &out, level: level + 1)
            }
        case .dict(let dictionary):
            var pairs = dictionary.pairs
            if sortKeys {
                var failure: Error?
                pairs.sort { a, b in
                    do { return try (Operators.order(.less, a.key, b.key, evaluator: evaluator) ?? 0) < 0 } catch {
                        failure = error
                        return false
                    }
                }
                if let failure { throw failure }
            }
            let keys = try pairs.map { try key($0.key) }
            try writeSequence(pairs.count, open: "{", close: "}", into: &out, level: level) { index, out in
                out += quote(keys[index]) + keySeparator
                try write(pairs[index].value, into: &out, level: level + 1)
            }
        default:
            throw TemplateError.type("Object of type \(evaluator.shortTypeName(value)) is not JSON serializable")
        }
    }

    private func writeSequence(_ count: Int, open: String, close: String, into out: inout String, level: Int,
                               item: (Int, inout String) throws -> Void) throws {
        guard count > 0 else {
            out += open + close
            return
        }
        out += open
        let newline = indent.map { "\n" + String(repeating: $0, count: level + 1) }
        if let newline { out += newline }
        for index in 0..<count {
            if index > 0 { out += itemSeparator + (newline ?? "") }
            try item(index, &out)
            try evaluator.checkLength(out)
        }
        if let indent { out += "\n" + String(repeating: indent, count: level) }
        out += close
    }

    private func key(_ key: Value) throws -> String {
        switch key {
        case .string(let text), .markup(let text): return text
        case .int(let number): return String(number)
        case .float(let number): return JSONDumper.float(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .none: return "null"
        default: throw TemplateError.type("keys must be str, int, float, bool or None, not \(evaluator.shortTypeName(key))")
        }
    }

    static func float(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        return PythonFloat.repr(number)
    }

    private func quote(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.append("\"")
        func escapeUnit(_ unit: UInt32) {
            out.append(contentsOf: ("\\u" + PythonText.hex(unit, width: 4)).unicodeScalars)
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case "\u{08}": out.append(contentsOf: "\\b".unicodeScalars)
            case "\u{0C}": out.append(contentsOf: "\\f".unicodeScalars)
            default:
                if scalar.value < 0x20 {
                    escapeUnit(scalar.value)
                } else if ensureASCII, scalar.value > 0x7E {
                    for unit in String(scalar).utf16 { escapeUnit(UInt32(unit)) }
                } else {
                    out.append(scalar)
                }
            }
        }
        out.append("\"")
        return String(out)
    }
}
