/// A parsed document together with the lines of its text, for readers whose errors name a line: a value's
/// ``JSONValue/offset`` becomes `lines.line(at:)`.
public struct JSONDocument: Sendable {
    public let root: JSONValue
    public let lines: TextLines

    /// Reads `bytes`; `firstLine` numbers the first line (a JSON Lines record is one line of a larger file).
    public init(parsing bytes: [UInt8], options: JSONReadingOptions = .strict, firstLine: Int = 1) throws(JSONSyntaxError) {
        root = try JSONValue(parsing: bytes, options: options)
        lines = TextLines(bytes, firstLine: firstLine)
    }
}
