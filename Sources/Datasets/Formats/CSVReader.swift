// Why our own reader: the two CSV packages available here (yaslab/CSV.swift 2.5.2, swiftcsv/SwiftCSV 0.10.0)
// report malformed input without a line number (CSVError.cannotReadFile / CSVParseError.quotation(message:)),
// and SwiftCSV drops leading whitespace of unquoted fields. The study's files are RFC 4180 as pandas writes
// them (quoted fields spanning lines, "" escapes, CRLF or LF, an optional BOM), which is a small state machine.

/// One record of a delimited file and the line it starts on.
public struct CSVRecord: Sendable, Equatable {
    /// 1-based line of the record's first character (records may span lines inside quotes).
    public var line: Int
    public var fields: [String]
}

/// A delimited file read with its header.
public struct CSVTable: Sendable {
    public var file: String
    public var header: [String]
    public var records: [CSVRecord]
    /// Records a lenient read left out (always empty with ``MalformedRowPolicy/fail``).
    public var skipped: SkippedRows

    /// The index of a header column, or an error naming the file and the columns it has.
    public func column(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw DatasetError(file: file, line: 1,
                               "missing column '\(name)' (columns: \(header.joined(separator: ", ")))")
        }
        return index
    }
}

/// An RFC 4180 reader for comma- and tab-separated files.
public enum CSVReader {
    /// Reads a file whose first record is the header.
    ///
    /// Every record must have as many fields as the header. A record that does not, or that has text after a
    /// closing quote, is an error naming the file and line (or, with ``MalformedRowPolicy/skip``, is counted in
    /// ``CSVTable/skipped``). An unterminated quote is always an error: nothing after it can be trusted.
    public static func read(bytes: [UInt8], file: String, delimiter: UInt8 = UInt8(ascii: ","),
                            policy: MalformedRowPolicy = .fail) throws -> CSVTable {
        var parser = Parser(bytes: bytes, file: file, delimiter: delimiter)
        var skipped = SkippedRows()
        guard let header = try parser.nextRecord(policy: policy, skipped: &skipped) else {
            throw DatasetError(file: file, line: 1, "empty file: expected a header row")
        }
        var records: [CSVRecord] = []
        while let record = try parser.nextRecord(policy: policy, skipped: &skipped) {
            if record.fields.count != header.fields.count {
                // A trailing empty line is not a record.
                if record.fields == [""] { continue }
                try skipped.handle(DatasetError(file: file, line: record.line,
                    "expected \(header.fields.count) fields, found \(record.fields.count)"), policy: policy)
                continue
            }
            records.append(record)
        }
        return CSVTable(file: file, header: header.fields, records: records, skipped: skipped)
    }

    /// Reads a file from disk; see ``read(bytes:file:delimiter:policy:)``.
    public static func read(path: String, delimiter: UInt8 = UInt8(ascii: ","),
                            policy: MalformedRowPolicy = .fail) throws -> CSVTable {
        try read(bytes: FileBytes.read(path), file: path, delimiter: delimiter, policy: policy)
    }

    private struct Parser {
        let bytes: [UInt8]
        let file: String
        let delimiter: UInt8
        var position = 0
        var line = 1

        init(bytes: [UInt8], file: String, delimiter: UInt8) {
            self.bytes = bytes
            self.file = file
            self.delimiter = delimiter
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }

        private static let quote = UInt8(ascii: "\"")
        private static let cr = UInt8(ascii: "\r")
        private static let lf = UInt8(ascii: "\n")

        /// The next record, `nil` at the end of input.
        mutating func nextRecord(policy: MalformedRowPolicy, skipped: inout SkippedRows) throws -> CSVRecord? {
            while position < bytes.count {
                let start = line
                do {
                    return CSVRecord(line: start, fields: try fields())
                } catch let problem as RecordProblem {
                    let error = DatasetError(file: file, line: problem.line, problem.message)
                    guard problem.recoverable else { throw error }
                    try skipped.handle(error, policy: policy)
                    skipToNextLine()
                }
            }
            return nil
        }

        private struct RecordProblem: Error {
            var line: Int
            var message: String
            var recoverable: Bool
        }

        private mutating func fields() throws -> [String] {
            var fields: [String] = []
            while true {
                let (field, terminator) = try nextField()
                fields.append(field)
                if terminator != delimiter { return fields }
            }
        }

        /// Reads one field; returns it and what ended it (delimiter, newline, or 0 at end of input).
        private mutating func nextField() throws -> (String, UInt8) {
            let fieldLine = line
            var text: [UInt8] = []
            if position < bytes.count, bytes[position] == Self.quote {
                position += 1
                while true {
                    // Copy up to the next quote in one go, counting the line breaks inside.
                    let runStart = position
                    while position < bytes.count, bytes[position] != Self.quote {
                        if bytes[position] == Self.lf { line += 1 }
                        position += 1
                    }
                    text.append(contentsOf: bytes[runStart..<position])
                    guard position < bytes.count else {
                        throw RecordProblem(line: fieldLine, message: "unterminated quoted field", recoverable: false)
                    }
                    position += 1
                    guard position < bytes.count, bytes[position] == Self.quote else { break }
                    text.append(Self.quote)
                    position += 1
                }
                let terminator = endOfField()
                guard let terminator else {
                    throw RecordProblem(line: line, message: "unexpected character after a closing quote",
                                        recoverable: true)
                }
                return (try decode(text, line: fieldLine), terminator)
            }
            let runStart = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == delimiter || byte == Self.lf || byte == Self.cr { break }
                if byte == Self.quote {
                    throw RecordProblem(line: line, message: "quote inside an unquoted field", recoverable: true)
                }
                position += 1
            }
            text.append(contentsOf: bytes[runStart..<position])
            return (try decode(text, line: fieldLine), endOfField() ?? 0)
        }

        /// Consumes the delimiter or line break after a field; `nil` if something else follows.
        private mutating func endOfField() -> UInt8? {
            guard position < bytes.count else { return 0 }
            let byte = bytes[position]
            if byte == delimiter {
                position += 1
                return delimiter
            }
            if byte == Self.cr, position + 1 < bytes.count, bytes[position + 1] == Self.lf {
                position += 2
                line += 1
                return Self.lf
            }
            if byte == Self.lf || byte == Self.cr {
                position += 1
                line += 1
                return Self.lf
            }
            return nil
        }

        private mutating func skipToNextLine() {
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == Self.lf {
                    line += 1
                    return
                }
            }
        }

        private func decode(_ text: [UInt8], line: Int) throws -> String {
            guard let string = String(validating: text, as: UTF8.self) else {
                throw RecordProblem(line: line, message: "invalid UTF-8", recoverable: true)
            }
            return string
        }
    }
}
