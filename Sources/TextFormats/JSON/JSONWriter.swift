/// How ``JSONWriter`` lays text out: the parameters of Python's `json.dumps`, whose output chat templates'
/// `tojson` must reproduce byte for byte.
public struct JSONStyle: Sendable, Equatable {
    /// Text repeated once per level before each item on its own line; nil writes everything on one line.
    public var indent: String?
    public var itemSeparator: String
    public var keySeparator: String
    /// `ensure_ascii`: everything outside printable ASCII as `\uXXXX` escapes (UTF-16 units).
    public var asciiOnly: Bool

    /// `json.dumps` defaults, except that `ensure_ascii` is off as in transformers' `tojson`: the item separator
    /// is ", " on one line and "," when indenting.
    public init(indent: String? = nil, itemSeparator: String? = nil, keySeparator: String = ": ", asciiOnly: Bool = false) {
        self.indent = indent
        self.itemSeparator = itemSeparator ?? (indent == nil ? ", " : ",")
        self.keySeparator = keySeparator
        self.asciiOnly = asciiOnly
    }

    /// `json.dumps(value, ensure_ascii=False)`.
    public static let python = JSONStyle()

    /// No spaces at all: `[1,{"a":2}]`.
    public static let compact = JSONStyle(itemSeparator: ",", keySeparator: ":")
}

/// Writes JSON text one token at a time, inserting separators, newlines and indentation as ``JSONStyle`` says.
/// Callers that walk their own value types drive it directly (a chat template's values, a result table); a
/// ``JSONValue`` writes itself with ``value(_:)``.
public struct JSONWriter: Sendable {
    public private(set) var text = ""
    public let style: JSONStyle
    /// Items written so far in each open array or object, innermost last.
    private var itemCounts: [Int] = []
    private var afterKey = false

    public init(style: JSONStyle = .python) {
        self.style = style
    }

    public mutating func beginArray() { open("[") }
    public mutating func endArray() { close("]") }
    public mutating func beginObject() { open("{") }
    public mutating func endObject() { close("}") }

    /// An object member's key; the member's value follows.
    public mutating func key(_ key: String) {
        beforeItem()
        Self.appendQuoted(key, to: &text, asciiOnly: style.asciiOnly)
        text += style.keySeparator
        afterKey = true
    }

    public mutating func string(_ string: String) {
        beforeItem()
        Self.appendQuoted(string, to: &text, asciiOnly: style.asciiOnly)
    }

    /// A float as Python writes it: `repr(float)`, and `NaN`, `Infinity`, `-Infinity` for the rest.
    public mutating func number(_ number: Double) {
        beforeItem()
        text += Self.numberText(number)
    }

    public mutating func integer(_ integer: Int) {
        beforeItem()
        text += String(integer)
    }

    /// A number exactly as it was read.
    public mutating func number(_ number: JSONNumber) {
        beforeItem()
        text += number.text
    }

    public mutating func bool(_ flag: Bool) {
        beforeItem()
        text += flag ? "true" : "false"
    }

    public mutating func null() {
        beforeItem()
        text += "null"
    }

    /// A whole value, members in their order.
    public mutating func value(_ value: JSONValue) {
        switch value.content {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): self.number(number)
        case .string(let string): self.string(string)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let members):
            beginObject()
            for member in members {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    private mutating func open(_ bracket: String) {
        beforeItem()
        text += bracket
        itemCounts.append(0)
    }

    private mutating func close(_ bracket: String) {
        let count = itemCounts.removeLast()
        if count > 0, let indent = style.indent { newline(indent) }
        text += bracket
    }

    private mutating func beforeItem() {
        if afterKey {
            afterKey = false
            return
        }
        guard let count = itemCounts.last else { return }
        if count > 0 { text += style.itemSeparator }
        if let indent = style.indent { newline(indent) }
        itemCounts[itemCounts.count - 1] = count + 1
    }

    private mutating func newline(_ indent: String) {
        text += "\n"
        for _ in 0..<itemCounts.count { text += indent }
    }

    // MARK: Pieces

    /// A JSON string literal as `json.dumps` writes it: `"` `\` and control characters escaped (`\n`, `\b`, …,
    /// `\u001f`), and with `asciiOnly` everything outside printable ASCII as UTF-16 `\uXXXX` escapes.
    public static func quoted(_ string: String, asciiOnly: Bool = false) -> String {
        var out = ""
        appendQuoted(string, to: &out, asciiOnly: asciiOnly)
        return out
    }

    public static func appendQuoted(_ string: String, to out: inout String, asciiOnly: Bool) {
        out.unicodeScalars.append("\"")
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    for unit in String(scalar).utf16 { appendUnicodeEscape(unit, to: &out) }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.unicodeScalars.append("\"")
    }

    private static func appendUnicodeEscape(_ unit: UInt16, to out: inout String) {
        let hex = String(unit, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// `json.dumps` of a float.
    public static func numberText(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        return PythonFloat.repr(number)
    }
}
