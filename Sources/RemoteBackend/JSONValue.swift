import Foundation

/// A parsed JSON document navigated by path, so that a response of an unexpected shape is reported as
/// `choices[0].logprobs.token_logprobs[3]: expected a number, found "abc"` rather than a decoding stack trace.
///
/// Servers that speak "the OpenAI API" differ in the details (vLLM, llama.cpp, llama-cpp-python, TGI), so the
/// backend reads responses tolerantly by path instead of through one rigid `Decodable` type per endpoint.
struct JSONValue: Sendable {
    enum Kind: Sendable {
        case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])
    }

    let kind: Kind
    /// Where this value sits in the document, for error messages (`choices[0].text`).
    let path: String

    init(parsing data: Data, what: String) throws {
        do {
            self = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ResponseError(what: what, problem: "is not JSON (\(Self.preview(data)))")
        }
    }

    private init(kind: Kind, path: String) {
        self.kind = kind
        self.path = path
    }

    static func preview(_ data: Data) -> String {
        let text = String(decoding: data.prefix(160), as: UTF8.self)
        return data.isEmpty ? "an empty body" : "starts \(text.debugDescription)\(data.count > 160 ? "…" : "")"
    }

    // MARK: Navigation

    /// The member `key`, or a null value (with the right path) when absent.
    subscript(key: String) -> JSONValue {
        let childPath = path.isEmpty ? key : "\(path).\(key)"
        if case .object(let members) = kind, let value = members[key] { return value }
        return JSONValue(kind: .null, path: childPath)
    }

    /// The element at `index`, or a null value (with the right path) when absent.
    subscript(index: Int) -> JSONValue {
        if case .array(let values) = kind, values.indices.contains(index) { return values[index] }
        return JSONValue(kind: .null, path: "\(path)[\(index)]")
    }

    var isNull: Bool { if case .null = kind { true } else { false } }

    var describedKind: String {
        switch kind {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let value): "the number \(value.formatted())"
        case .string(let value): "the string \(String(value.prefix(40)).debugDescription)"
        case .array(let values): "an array of \(values.count)"
        case .object: "an object"
        }
    }

    private func mismatch(_ expected: String) -> JSONShapeError {
        JSONShapeError(path: path.isEmpty ? "the body" : path, expected: expected, found: describedKind)
    }

    func array() throws -> [JSONValue] {
        if case .array(let values) = kind { return values }
        throw mismatch("an array")
    }

    func object() throws -> [String: JSONValue] {
        if case .object(let members) = kind { return members }
        throw mismatch("an object")
    }

    func string() throws -> String {
        if case .string(let value) = kind { return value }
        throw mismatch("a string")
    }

    func number() throws -> Double {
        if case .number(let value) = kind { return value }
        throw mismatch("a number")
    }

    /// A whole number that fits an `Int` (token ids, offsets, counts).
    func integer() throws -> Int {
        if case .number(let value) = kind, value.rounded() == value, let exact = Int(exactly: value) { return exact }
        throw mismatch("an integer")
    }

    /// `nil` for JSON null, otherwise a number.
    func optionalNumber() throws -> Double? {
        isNull ? nil : try number()
    }

    var optionalString: String? {
        if case .string(let value) = kind { return value }
        return nil
    }

    var optionalInteger: Int? { try? integer() }
}

extension JSONValue: Decodable {
    init(from decoder: any Decoder) throws {
        path = decoder.codingPath.reduce(into: "") { path, key in
            if let index = key.intValue { path += "[\(index)]" } else { path += path.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            kind = .null
        } else if let value = try? container.decode(Bool.self) {
            kind = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            kind = .number(value)
        } else if let value = try? container.decode(String.self) {
            kind = .string(value)
        } else if let values = try? container.decode([JSONValue].self) {
            kind = .array(values)
        } else {
            kind = .object(try container.decode([String: JSONValue].self))
        }
    }
}

/// A response that is JSON but not of the shape the endpoint promises.
struct JSONShapeError: Error, CustomStringConvertible {
    var path: String
    var expected: String
    var found: String

    var description: String { "\(path): expected \(expected), found \(found)" }
}

/// A response that cannot be used, named by the request that produced it.
struct ResponseError: Error, CustomStringConvertible {
    var what: String
    var problem: String

    var description: String { "\(what): the response \(problem)" }
}
