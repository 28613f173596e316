/// What a JSON document may contain beyond RFC 8259, and how deep it may nest.
public struct JSONReadingOptions: Sendable {
    /// Arrays and objects may nest this many levels; the next opening bracket is an error, so a hostile
    /// document cannot exhaust the stack.
    public var maximumDepth: Int
    /// `NaN`, `Infinity` and `-Infinity` as numbers, as Python's `json` module writes and reads them.
    public var allowsNonFiniteNumbers: Bool
    /// A `\u` escape of half a surrogate pair becomes U+FFFD instead of an error. Python keeps such strings;
    /// a Swift `String` cannot hold them.
    public var replacesUnpairedSurrogates: Bool
    /// A leading UTF-8 byte order mark is skipped (RFC 8259 §8.1 allows readers to ignore it).
    public var skipsByteOrderMark: Bool

    public init(maximumDepth: Int = 512, allowsNonFiniteNumbers: Bool = false, replacesUnpairedSurrogates: Bool = false,
                skipsByteOrderMark: Bool = false) {
        self.maximumDepth = maximumDepth
        self.allowsNonFiniteNumbers = allowsNonFiniteNumbers
        self.replacesUnpairedSurrogates = replacesUnpairedSurrogates
        self.skipsByteOrderMark = skipsByteOrderMark
    }

    /// RFC 8259 and nothing more.
    public static let strict = JSONReadingOptions()

    /// What Python's `json.loads` accepts (strings it would keep with lone surrogates get U+FFFD).
    public static let python = JSONReadingOptions(allowsNonFiniteNumbers: true, replacesUnpairedSurrogates: true)
}

extension JSONValue {
    /// Reads a whole document: one value, surrounded by nothing but whitespace.
    public init(parsing bytes: some Collection<UInt8>, options: JSONReadingOptions = .strict) throws(JSONSyntaxError) {
        let read: (UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONSyntaxError> = { buffer in
            var reader = JSONReader(buffer, options: options)
            return Result { () throws(JSONSyntaxError) in try reader.document() }
        }
        let result = bytes.withContiguousStorageIfAvailable(read) ?? Array(bytes).withUnsafeBufferPointer(read)
        self = try result.get()
    }

    /// Reads a whole document given as text.
    public init(parsing text: String, options: JSONReadingOptions = .strict) throws(JSONSyntaxError) {
        try self.init(parsing: text.utf8, options: options)
    }
}

/// A recursive-descent reader over the document's bytes. Every read is guarded by `position < bytes.count`;
/// strings without escapes are copied in one piece, which is most of a tokenizer vocabulary, and are checked
/// to be UTF-8 on the way.
private struct JSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let options: JSONReadingOptions
    private var position = 0
    private var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, options: JSONReadingOptions) {
        self.bytes = bytes
        self.options = options
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        if options.skipsByteOrderMark, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            position = 3
        }
        skipWhitespace()
        let root = try value()
        skipWhitespace()
        guard position == bytes.count else { throw fail(.trailingData) }
        return root
    }

    // MARK: Values

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard position < bytes.count else { throw fail(.unexpectedEnd(in: nil)) }
        let start = position
        switch bytes[position] {
        case UInt8(ascii: "{"): return JSONValue(.object(try object()), offset: start)
        case UInt8(ascii: "["): return JSONValue(.array(try array()), offset: start)
        case UInt8(ascii: "\""): return JSONValue(.string(try string()), offset: start)
        case UInt8(ascii: "t"): try literal("true"); return JSONValue(.bool(true), offset: start)
        case UInt8(ascii: "f"): try literal("false"); return JSONValue(.bool(false), offset: start)
        case UInt8(ascii: "n"): try literal("null"); return JSONValue(.null, offset: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONValue(.number(try number()), offset: start)
        case UInt8(ascii: "N") where options.allowsNonFiniteNumbers:
            try literal("NaN")
            return JSONValue(.number(JSONNumber(text: "NaN")), offset: start)
        case UInt8(ascii: "I") where options.allowsNonFiniteNumbers:
            try literal("Infinity")
            return JSONValue(.number(JSONNumber(text: "Infinity")), offset: start)
        default:
            throw fail(.unexpectedCharacter(character(at: position)))
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        let matches = bytes.count - position >= count && word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        guard matches else { throw fail(.invalidLiteral(expected: word.description)) }
        position += count
    }

    private mutating func enter() throws(JSONSyntaxError) {
        guard depth < options.maximumDepth else { throw fail(.tooDeep(limit: options.maximumDepth)) }
        depth += 1
    }

    private mutating func object() throws(JSONSyntaxError) -> [JSONMember] {
        try enter()
        defer { depth -= 1 }
        position += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return members
        }
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw fail(.unexpectedEnd(in: .object)) }
            guard bytes[position] == UInt8(ascii: "\"") else { throw fail(.expectedKey) }
            let key = try string()
            skipWhitespace()
            guard position < bytes.count else { throw fail(.unexpectedEnd(in: .object)) }
            guard bytes[position] == UInt8(ascii: ":") else { throw fail(.expectedColon) }
            position += 1
            skipWhitespace()
            members.append(JSONMember(key: key, value: try value()))
            skipWhitespace()
            guard position < bytes.count else { throw fail(.unexpectedEnd(in: .object)) }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return members
            default: throw fail(.expectedCommaOrClose(.object))
            }
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> [JSONValue] {
        try enter()
        defer { depth -= 1 }
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return elements
        }
        elements.reserveCapacity(2)  // most small arrays are pairs (merges, [piece, score]): one allocation
        while true {
            skipWhitespace()
            elements.append(try value())
            skipWhitespace()
            guard position < bytes.count else { throw fail(.unexpectedEnd(in: .array)) }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return elements
            default: throw fail(.expectedCommaOrClose(.array))
            }
        }
    }

    private mutating func number() throws(JSONSyntaxError) -> JSONNumber {
        let start = position
        if bytes[position] == UInt8(ascii: "-") {
            position += 1
            if options.allowsNonFiniteNumbers, position < bytes.count, bytes[position] == UInt8(ascii: "I") {
                try literal("Infinity")
                return JSONNumber(text: "-Infinity")
            }
        }
        let integerStart = position
        let integerDigits = skipDigits()
        guard integerDigits > 0 else { throw fail(.missingDigits(after: .sign)) }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
            throw JSONSyntaxError(.leadingZero, at: integerStart)
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard skipDigits() > 0 else { throw fail(.missingDigits(after: .point)) }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard skipDigits() > 0 else { throw fail(.missingDigits(after: .exponent)) }
        }
        return JSONNumber(text: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
    }

    private mutating func skipDigits() -> Int {
        let start = position
        while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 { position += 1 }
        return position - start
    }

    // MARK: Strings

    private mutating func string() throws(JSONSyntaxError) -> String {
        position += 1
        let runStart = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<position])
                position += 1
                return String(decoding: run, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            position += byte < 0x80 ? 1 : try utf8SequenceLength()
        }
        var utf8 = Array(bytes[runStart..<position])
        return try escapedString(continuing: &utf8)
    }

    /// The rest of a string that has escapes, appended to the text before the first one.
    private mutating func escapedString(continuing utf8: inout [UInt8]) throws(JSONSyntaxError) -> String {
        while true {
            let runStart = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                position += byte < 0x80 ? 1 : try utf8SequenceLength()
            }
            utf8.append(contentsOf: bytes[runStart..<position])
            guard position < bytes.count else { throw fail(.unterminatedString) }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: utf8, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\") else { throw fail(.controlCharacterInString) }
            try escape(into: &utf8)
        }
    }

    /// The length of the well-formed UTF-8 sequence starting at `position` with a byte of 0x80 or more (the
    /// Unicode standard's table 3-7: no overlong forms, no surrogates, nothing beyond U+10FFFF). Checking here,
    /// in the one pass over the string, lets the text be made without a second validating pass of our own.
    private func utf8SequenceLength() throws(JSONSyntaxError) -> Int {
        let lead = bytes[position]
        let available = bytes.count - position
        func continuation(_ index: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            range.contains(bytes[position + index])
        }
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = available >= 2 && continuation(1) ? 2 : 0
        case 0xE0: length = available >= 3 && continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: length = available >= 3 && continuation(1) && continuation(2) ? 3 : 0
        case 0xED: length = available >= 3 && continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
        case 0xF0: length = available >= 4 && continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3: length = available >= 4 && continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4: length = available >= 4 && continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default: length = 0
        }
        guard length > 0 else { throw fail(.invalidUTF8InString) }
        return length
    }

    private mutating func escape(into utf8: inout [UInt8]) throws(JSONSyntaxError) {
        let backslash = position
        position += 1
        guard position < bytes.count else { throw fail(.unterminatedString) }
        let escaped = bytes[position]
        position += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var code = try hex4()
            if (0xD800...0xDBFF).contains(code), bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
               bytes[position + 1] == UInt8(ascii: "u") {
                let afterHigh = position
                position += 2
                let low = try hex4()
                if (0xDC00...0xDFFF).contains(low) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    position = afterHigh  // the next escape stands on its own
                }
            }
            guard let scalar = Unicode.Scalar(code) else {
                guard options.replacesUnpairedSurrogates else { throw JSONSyntaxError(.unpairedSurrogate, at: backslash) }
                utf8.append(contentsOf: [0xEF, 0xBF, 0xBD])
                return
            }
            UTF8.encode(scalar) { utf8.append($0) }
        default:
            throw JSONSyntaxError(.invalidEscape(character(at: position - 1)), at: backslash)
        }
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw fail(.truncatedUnicodeEscape) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail(.invalidHexDigit)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    // MARK: Helpers

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// The UTF-8 character starting at `offset`, for messages; nil where the bytes are not UTF-8.
    private func character(at offset: Int) -> Character? {
        var iterator = bytes[offset...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return Character(scalar) }
        return nil
    }

    private func fail(_ problem: JSONSyntaxError.Problem) -> JSONSyntaxError {
        JSONSyntaxError(problem, at: position)
    }
}
