import TextFormats

/// A JSON value together with its location, so that every accessor can throw an error naming the file
/// and the JSON path of the offending value.
struct JSONNode {
    let value: JSONValue
    let path: String
    let file: String

    /// How deep tokenizer.json may nest (real files nest about six levels).
    static let maximumDepth = 256

    static func parse(_ bytes: [UInt8], file: String) throws(TokenizerError) -> JSONNode {
        do {
            return JSONNode(value: try JSONValue(parsing: bytes, options: JSONReadingOptions(maximumDepth: maximumDepth)),
                            path: "$", file: file)
        } catch {
            throw TokenizerError.malformedJSON(file: file, offset: error.offset, reason: error.message)
        }
    }

    func error(_ reason: String) -> TokenizerError {
        .invalidField(file: file, path: path, reason: reason)
    }

    func unsupported(_ what: String) -> TokenizerError {
        .unsupported(file: file, path: path, what: what)
    }

    func expected(_ what: String) -> TokenizerError {
        error("expected \(what), found \(value.kindDescription)")
    }

    var isNull: Bool { value.isNull }

    /// The member `key` of an object, or `nil` when absent or JSON null.
    func optional(_ key: String) throws(TokenizerError) -> JSONNode? {
        guard value.members != nil else { throw expected("an object") }
        guard let member = value[key], !member.isNull else { return nil }
        return JSONNode(value: member, path: path + "." + key, file: file)
    }

    func required(_ key: String) throws(TokenizerError) -> JSONNode {
        guard let node = try optional(key) else {
            throw TokenizerError.invalidField(file: file, path: path + "." + key, reason: "missing")
        }
        return node
    }

    func string() throws(TokenizerError) -> String {
        guard let string = value.string else { throw expected("a string") }
        return string
    }

    /// The string's UTF-8 bytes, exactly as in the file: tokens are compared byte for byte.
    func bytes() throws(TokenizerError) -> [UInt8] {
        Array(try string().utf8)
    }

    func bool() throws(TokenizerError) -> Bool {
        guard let flag = value.bool else { throw expected("a boolean") }
        return flag
    }

    func double() throws(TokenizerError) -> Double {
        guard let number = value.number else { throw expected("a number") }
        return number.double
    }

    /// A non-negative integer no larger than `limit`.
    func int(max limit: Int = Int(Int32.max)) throws(TokenizerError) -> Int {
        let number = try double()
        guard number >= 0, number <= Double(limit), number.rounded() == number else {
            throw error("expected an integer in 0...\(limit), found \(number)")
        }
        return Int(number)
    }

    func array() throws(TokenizerError) -> [JSONNode] {
        try rawArray().enumerated().map { element($1, at: $0) }
    }

    /// The elements without per-element paths, for hot loops over large arrays (merges); build a child
    /// with `element(_:at:)` only when reporting an error.
    func rawArray() throws(TokenizerError) -> [JSONValue] {
        guard let elements = value.array else { throw expected("an array") }
        return elements
    }

    func element(_ value: JSONValue, at index: Int) -> JSONNode {
        JSONNode(value: value, path: "\(path)[\(index)]", file: file)
    }

    /// The members without per-member paths, for hot loops over large objects (vocabularies).
    func rawMembers() throws(TokenizerError) -> [JSONMember] {
        guard let members = value.members else { throw expected("an object") }
        return members
    }

    func member(_ member: JSONMember) -> JSONNode {
        JSONNode(value: member.value, path: path + "[\"" + member.key + "\"]", file: file)
    }

    /// The members of an object, in file order.
    func members() throws(TokenizerError) -> [(key: String, node: JSONNode)] {
        try rawMembers().map { ($0.key, member($0)) }
    }

    func optionalBool(_ key: String, default fallback: Bool) throws(TokenizerError) -> Bool {
        try optional(key)?.bool() ?? fallback
    }

    func optionalString(_ key: String) throws(TokenizerError) -> String? {
        try optional(key)?.string()
    }
}
