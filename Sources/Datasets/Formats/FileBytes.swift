import Foundation
import TextFormats

/// Reading whole files with errors that name them.
public enum FileBytes {
    public static func read(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError(file: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw DatasetError(file: path, "is a directory, expected a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError(file: path, "cannot be read")
        }
        return [UInt8](data)
    }

    /// The first `count` bytes of a file (fewer if it is shorter).
    public static func head(_ path: String, count: Int) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DatasetError(file: path, "cannot be read") }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
    }

    public static func string(_ path: String) throws -> String {
        let bytes = try read(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DatasetError(file: path, "not valid UTF-8")
        }
        return text
    }

    /// Parses a JSON document; syntax errors name the file and line.
    public static func json(_ path: String) throws -> JSONDocument {
        try parseJSON(read(path), file: path)
    }

    public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// The names of the entries of a directory, sorted.
    public static func list(_ path: String) throws -> [String] {
        do { return try FileManager.default.contentsOfDirectory(atPath: path).sorted() } catch {
            throw DatasetError(file: path, "cannot list directory")
        }
    }

    public static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
