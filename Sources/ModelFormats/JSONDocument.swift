import Foundation

/// Parsing of the small JSON documents around checkpoints (safetensors headers, config.json, index files),
/// turning every failure into a ``FormatError`` that names the file and key.
enum JSONDocument {
    /// Parses `data` as a JSON object.
    static func object(_ data: Data, file: String, place: FormatError.Place = .wholeFile) throws(FormatError) -> [String: Any] {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw FormatError(file: file, place: place, kind: .malformedJSON, "invalid JSON: \(reason)")
        }
        guard let object = value as? [String: Any] else {
            throw FormatError(file: file, place: place, kind: .malformedJSON, "expected a JSON object at the top level")
        }
        return object
    }

    /// Reads and parses the JSON object in the file at `url`.
    static func object(contentsOf url: URL) throws(FormatError) -> [String: Any] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: url.path)
            throw FormatError(file: url.path, kind: missing ? .missingFile : .io, missing ? "file not found" : "cannot read: \(error.localizedDescription)")
        }
        return try object(data, file: url.path)
    }

    /// An integer that JSON stored as a whole number (not a bool, not a fraction).
    static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber, !isBool(number) else { return nil }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) < 9.0e15 else { return nil }
        return number.intValue
    }

    static func double(_ value: Any?) -> Double? {
        guard let number = value as? NSNumber, !isBool(number) else { return nil }
        return number.doubleValue
    }

    static func bool(_ value: Any?) -> Bool? {
        guard let number = value as? NSNumber, isBool(number) else { return nil }
        return number.boolValue
    }

    static func isBool(_ number: NSNumber) -> Bool {
        // JSONSerialization returns booleans as NSNumbers too; only theirs has the `char` encoding.
        String(cString: number.objCType) == "c"
    }
}
