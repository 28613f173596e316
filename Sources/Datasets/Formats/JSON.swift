import TextFormats

/// Parses a data file's JSON (skipping a byte order mark, which some exports carry); syntax errors are
/// `file:line: message`.
func parseJSON(_ bytes: [UInt8], file: String, firstLine: Int = 1) throws -> JSONDocument {
    do {
        return try JSONDocument(parsing: bytes, options: JSONReadingOptions(skipsByteOrderMark: true), firstLine: firstLine)
    } catch {
        throw DatasetError(file: file, line: TextLines(bytes, firstLine: firstLine).line(at: error.offset), error.message)
    }
}

/// A JSON value with the file and path it came from, so a missing or mistyped field is reported precisely
/// (`data.json:12: data[3].paragraphs[0].qas: expected an array`).
public struct JSONCursor: Sendable {
    public let value: JSONValue
    public let file: String
    public let path: String
    /// The document's lines, when the value came from one.
    private let lines: TextLines?

    /// A cursor on a value outside any document: its errors name no line.
    public init(_ value: JSONValue, file: String, path: String = "$") {
        self.init(value, file: file, path: path, lines: nil)
    }

    /// A cursor on a document's root.
    public init(_ document: JSONDocument, file: String, path: String = "$") {
        self.init(document.root, file: file, path: path, lines: document.lines)
    }

    private init(_ value: JSONValue, file: String, path: String, lines: TextLines?) {
        self.value = value
        self.file = file
        self.path = path
        self.lines = lines
    }

    /// The line where this array or object opens; nil for other values.
    public var line: Int? {
        guard value.array != nil || value.members != nil else { return nil }
        return lines?.line(at: value.offset)
    }

    public func error(_ message: String) -> DatasetError {
        DatasetError(file: file, line: line, "\(path): \(message)")
    }

    public func members() throws -> [JSONMember] {
        guard let members = value.members else { throw error("expected an object") }
        return members
    }

    public func items() throws -> [JSONCursor] {
        guard let elements = value.array else { throw error("expected an array") }
        return elements.enumerated().map { JSONCursor($1, file: file, path: "\(path)[\($0)]", lines: lines) }
    }

    /// The member `key`; an error if it is absent.
    public subscript(key: String) -> JSONCursor {
        get throws {
            guard let found = try optional(key) else { throw error("missing field '\(key)'") }
            return found
        }
    }

    public func optional(_ key: String) throws -> JSONCursor? {
        guard value.members != nil else { throw error("expected an object") }
        return value[key].map { JSONCursor($0, file: file, path: "\(path).\(key)", lines: lines) }
    }

    public func string() throws -> String {
        guard let string = value.string else { throw error("expected a string") }
        return string
    }

    public func number() throws -> Double {
        guard let number = value.number else { throw error("expected a number") }
        return number.double
    }

    /// The number exactly as written.
    public func numberText() throws -> String {
        guard let number = value.number else { throw error("expected a number") }
        return number.text
    }

    public func bool() throws -> Bool {
        guard let bool = value.bool else { throw error("expected true or false") }
        return bool
    }

    public var isNull: Bool { value.isNull }
}
