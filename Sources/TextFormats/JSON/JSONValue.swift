/// A JSON value as it was written: object members in document order (duplicates kept), every number with its
/// source text, and the byte offset where the value begins, so that a reader can point at it in an error.
///
/// Two values are equal when their contents are; where they stood in their documents does not count.
public struct JSONValue: Sendable, Equatable, CustomStringConvertible {
    public enum Content: Sendable, Equatable {
        case null
        case bool(Bool)
        case number(JSONNumber)
        /// Unescaped text. A Swift `String` holds exactly the UTF-8 bytes of the document, so `.utf8` gives
        /// them back byte for byte (compare with `utf8.elementsEqual`, not `==`, where canonically equivalent
        /// spellings must stay apart).
        case string(String)
        case array([JSONValue])
        case object([JSONMember])
    }

    public var content: Content
    /// Byte offset of the value's first byte (its quote, bracket, sign or letter) in the document.
    public var offset: Int

    public init(_ content: Content, offset: Int = 0) {
        self.content = content
        self.offset = offset
    }

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.content == b.content }

    public var isNull: Bool {
        if case .null = content { return true }
        return false
    }

    public var bool: Bool? {
        if case .bool(let flag) = content { return flag }
        return nil
    }

    public var number: JSONNumber? {
        if case .number(let number) = content { return number }
        return nil
    }

    public var string: String? {
        if case .string(let text) = content { return text }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let elements) = content { return elements }
        return nil
    }

    public var members: [JSONMember]? {
        if case .object(let members) = content { return members }
        return nil
    }

    /// The members by key, the last of duplicate keys winning as in Python's `json`, serde and Foundation; nil
    /// when this is not an object.
    public var object: [String: JSONValue]? {
        members.map { Dictionary($0.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }) }
    }

    /// The first member named `key` (compared byte for byte), or nil when absent or this is not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = content else { return nil }
        for member in members where member.key.utf8.elementsEqual(key.utf8) { return member.value }
        return nil
    }

    /// "an object", "a string", … for messages such as "expected an array, found a string".
    public var kindDescription: String {
        switch content {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Compact JSON text (`JSONStyle.compact`).
    public var description: String {
        var writer = JSONWriter(style: .compact)
        writer.value(self)
        return writer.text
    }
}

public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// A number as written in the document. Keeping the text lets a reader tell `1` from `1.0` (Python's int and
/// float), print a number the way its file did, or read integers beyond a double's 53 bits exactly.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The source text: RFC 8259 number syntax, or `NaN`, `Infinity`, `-Infinity` where the reader allowed them.
    public let text: String

    public init(text: String) { self.text = text }

    /// True when written without a fraction or exponent (what Python's `json` module reads as an int).
    public var isInteger: Bool {
        var text = text
        return text.withUTF8 { utf8 in
            guard let last = utf8.last, last &- UInt8(ascii: "0") < 10 else { return false }  // not NaN, Infinity
            return !utf8.contains { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }
        }
    }

    /// The nearest double (±infinity beyond its range, as Python's `float()` gives).
    public var double: Double {
        if let small = smallInteger { return Double(small) }
        return Double(text) ?? .nan
    }

    /// The exact value of an integer literal that fits in `Int`; nil for fractions, exponents and larger values.
    public var integer: Int? {
        if let small = smallInteger { return small }
        return isInteger ? Int(text) : nil
    }

    /// Integers of up to 15 digits, read without the general conversion: vocabularies hold hundreds of
    /// thousands of them, and any such integer is exact as a double too.
    private var smallInteger: Int? {
        var text = text
        return text.withUTF8 { utf8 in
            let negative = utf8.first == UInt8(ascii: "-")
            let digits = UnsafeBufferPointer(rebasing: utf8.dropFirst(negative ? 1 : 0))
            guard !digits.isEmpty, digits.count <= 15 else { return nil }
            var value = 0
            for byte in digits {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            // "-0" takes the general path, which keeps the sign of a negative zero.
            return negative ? (value == 0 ? nil : -value) : value
        }
    }

    public var description: String { text }
}
