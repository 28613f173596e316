import TextFormats

// JSON in and out the way Python's `json` module does it: parsing keeps key order and tells ints (`1`) from
// floats (`1.0`); serialising is `json.dumps` (transformers' `tojson` filter), byte for byte.

extension Value {
    /// How deep JSON read into a template may nest.
    static let maximumJSONDepth = 128

    /// Parses JSON text into a template value, as Python's `json.loads` would: objects keep their key order,
    /// `1` is an int and `1.0` a float, and `NaN`/`Infinity` are accepted.
    public init(json text: String) throws(TemplateError) {
        let bytes = Array(text.utf8)
        let options = JSONReadingOptions(maximumDepth: Self.maximumJSONDepth, allowsNonFiniteNumbers: true,
                                         replacesUnpairedSurrogates: true)
        let document: JSONValue
        do {
            document = try JSONValue(parsing: bytes, options: options)
        } catch {
            // The place as line:column, the way an editor shows it.
            let lines = TextLines(bytes)
            throw TemplateError(.value, "invalid JSON at \(lines.line(at: error.offset)):\(lines.column(at: error.offset)): \(error.message)")
        }
        self = Value(document)
    }

    private init(_ json: JSONValue) {
        switch json.content {
        case .null: self = .none
        case .bool(let flag): self = .bool(flag)
        case .number(let number):
            // Python's ints are unbounded (tokenizer_config.json's model_max_length is often 1e30 written out);
            // beyond 64 bits the nearest float is the closest a template here can see.
            if number.isInteger, let integer = number.integer { self = .int(integer) } else { self = .float(number.double) }
        case .string(let text): self = .string(text)
        case .array(let elements): self = .list(elements.map(Value.init))
        case .object(let members):
            var dictionary = ValueDictionary()
            for member in members { dictionary[member.key] = Value(member.value) }
            self = .dict(dictionary)
        }
    }
}

/// `json.dumps(value, ensure_ascii=…, indent=…, separators=…, sort_keys=…)` of a template value, within the
/// evaluator's limits on depth, steps and length.
struct JSONDumper {
    var style = JSONStyle.python
    var sortKeys = false
    let evaluator: Evaluator

    func dumps(_ value: Value) throws -> String {
        var writer = JSONWriter(style: style)
        try write(value, to: &writer, level: 0)
        return writer.text
    }

    private func write(_ value: Value, to writer: inout JSONWriter, level: Int) throws {
        try evaluator.enterValue(depth: level)
        switch value {
        case .none: writer.null()
        case .bool(let flag): writer.bool(flag)
        case .int(let number): writer.integer(number)
        case .float(let number): writer.number(number)
        case .string(let text), .markup(let text): writer.string(text)
        case .list(let items), .tuple(let items):
            writer.beginArray()
            for item in items {
                try write(item, to: &writer, level: level + 1)
                try evaluator.checkLength(writer.text)
            }
            writer.endArray()
        case .dict(let dictionary):
            var pairs = dictionary.pairs
            if sortKeys {
                var failure: Error?
                pairs.sort { a, b in
                    do { return try (Operators.order(.less, a.key, b.key, evaluator: evaluator) ?? 0) < 0 } catch {
                        failure = error
                        return false
                    }
                }
                if let failure { throw failure }
            }
            let keys = try pairs.map { try key($0.key) }
            writer.beginObject()
            for (key, pair) in zip(keys, pairs) {
                writer.key(key)
                try write(pair.value, to: &writer, level: level + 1)
                try evaluator.checkLength(writer.text)
            }
            writer.endObject()
        default:
            throw TemplateError.type("Object of type \(evaluator.shortTypeName(value)) is not JSON serializable")
        }
    }

    /// Python converts these key types to strings; others are an error.
    private func key(_ key: Value) throws -> String {
        switch key {
        case .string(let text), .markup(let text): return text
        case .int(let number): return String(number)
        case .float(let number): return JSONWriter.numberText(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .none: return "null"
        default: throw TemplateError.type("keys must be str, int, float, bool or None, not \(evaluator.shortTypeName(key))")
        }
    }
}
