import Foundation
import TextFormats

/// The small JSON documents around checkpoints (safetensors headers, config.json, index files), read the way
/// transformers and the safetensors crate read them — of duplicate keys the last wins — with every failure a
/// ``FormatError`` that names the file and the place.
enum CheckpointJSON {
    /// Parses `bytes` as a JSON object and gives its members in document order. A syntax error names its line
    /// and column, or — for a header inside a binary file, which starts at `headerOffset` — the file's byte offset.
    static func members(_ bytes: some Collection<UInt8>, file: String, headerOffset: Int? = nil) throws(FormatError) -> [JSONMember] {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            if let headerOffset {
                throw FormatError(file: file, place: .byteOffset(headerOffset + error.offset), kind: .malformedJSON,
                                  "invalid JSON: \(error.message)")
            }
            let lines = TextLines(Array(bytes))
            throw FormatError(file: file, kind: .malformedJSON,
                              "invalid JSON at \(lines.line(at: error.offset)):\(lines.column(at: error.offset)): \(error.message)")
        }
        guard let members = lastOfEachKey(value) else {
            throw FormatError(file: file, place: headerOffset.map(FormatError.Place.byteOffset) ?? .wholeFile,
                              kind: .malformedJSON, "expected a JSON object at the top level")
        }
        return members
    }

    /// Parses `bytes` as a JSON object, as a dictionary.
    static func object(_ bytes: [UInt8], file: String) throws(FormatError) -> [String: JSONValue] {
        Dictionary(try members(bytes, file: file).map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
    }

    /// Reads and parses the JSON object in the file at `url`, as a dictionary.
    static func object(contentsOf url: URL) throws(FormatError) -> [String: JSONValue] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: url.path)
            throw FormatError(file: url.path, kind: missing ? .missingFile : .io, missing ? "file not found" : "cannot read: \(error.localizedDescription)")
        }
        return try object([UInt8](data), file: url.path)
    }

    /// An object's members in document order, each key once, with the value it was given last.
    static func lastOfEachKey(_ value: JSONValue?) -> [JSONMember]? {
        guard let members = value?.members else { return nil }
        let last = Dictionary(members.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { $1 })
        return members.enumerated().filter { last[$1.key] == $0 }.map(\.element)
    }


    /// An array of strings; nil when it is not one.
    static func strings(_ value: JSONValue?) -> [String]? {
        guard let elements = value?.array else { return nil }
        let strings = elements.compactMap(\.string)
        return strings.count == elements.count ? strings : nil
    }

    /// A whole number, however it is written (`8`, `8.0`, `8e0`), small enough to be exact as a double.
    static func integer(_ value: JSONValue?) -> Int? {
        guard let double = value?.number?.double, double == double.rounded(), abs(double) < 9.0e15 else { return nil }
        return Int(double)
    }
}
