import TextFormats

/// A value inside a template: the Python objects jinja2 templates see (str, int, float, bool, None, list,
/// tuple, dict), plus jinja2's own (Undefined, Markup) and the live objects of one rendering (namespaces, loop
/// contexts, macros, one-shot iterators), which are only meaningful inside it.
///
/// Build context values with literals: `["role": "user", "content": "Hi"]`, or from JSON with
/// ``Value/init(json:)``.
public enum Value: Sendable {
    /// jinja2's `Undefined`: prints as nothing, is falsy, iterates as empty; most other uses raise its message.
    case undefined(Undefined)
    case none
    case bool(Bool)
    /// Python's int, limited here to 64 bits (overflow is an error, never a wrap).
    case int(Int)
    case float(Double)
    case string(String)
    /// markupsafe's `Markup`: a string that `+` and `%` keep HTML-safe (macros and `|safe` return it).
    case markup(String)
    case list([Value])
    case tuple([Value])
    case dict(ValueDictionary)
    /// Something callable: a global function, a bound method, a macro.
    case callable(Callable)
    /// A live object of one rendering: a namespace, loop context, iterator, cycler or joiner.
    case object(TemplateObject)
}

/// jinja2's `Undefined`, carrying the message its misuse raises.
public struct Undefined: Sendable {
    let message: String
    /// `.undefined` normally; `.security` for the sandbox's refused attributes (`list.append`).
    let errorKind: TemplateError.Kind

    init(_ message: String, errorKind: TemplateError.Kind = .undefined) {
        self.message = message
        self.errorKind = errorKind
    }

    /// An undefined variable: `'name' is undefined`.
    static func variable(_ name: String) -> Undefined { Undefined("'\(name)' is undefined") }

    var error: TemplateError { TemplateError(errorKind, message) }
}

/// A function value. Only the interpreter creates these.
public struct Callable: Sendable {
    indirect enum Kind: Sendable {
        case global(GlobalFunction)
        /// `receiver.name`, e.g. `'abc'.strip` or `loop.cycle`.
        case method(receiver: Value, name: String)
        /// A macro or `caller`: an object of the rendering.
        case macro(TemplateObject)
        /// A joiner object is itself callable.
        case joiner(TemplateObject)
    }

    let kind: Kind
}

/// A handle on an object that lives for one rendering (its state is in the evaluator).
public struct TemplateObject: Sendable, Hashable {
    let id: Int
}

/// The globals jinja2 (with transformers' additions) provides.
enum GlobalFunction: String, Sendable, CaseIterable {
    case range, dict, namespace, cycler, joiner, lipsum
    case raiseException = "raise_exception"
    case strftimeNow = "strftime_now"
}

extension Value {
    /// Python truthiness. Live objects are always truthy (jinja2's generators are, even when empty).
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let flag): flag
        case .int(let number): number != 0
        case .float(let number): number != 0
        case .string(let text), .markup(let text): !text.isEmpty
        case .list(let items), .tuple(let items): !items.isEmpty
        case .dict(let dictionary): !dictionary.isEmpty
        case .callable, .object: true
        }
    }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// The text of a str or Markup.
    var text: String? {
        switch self {
        case .string(let text), .markup(let text): text
        default: nil
        }
    }

    /// The items of a list or tuple.
    var elements: [Value]? {
        switch self {
        case .list(let items), .tuple(let items): items
        default: nil
        }
    }

    /// An int (or bool, which Python treats as an int) as an Int.
    var integer: Int? {
        switch self {
        case .int(let number): number
        case .bool(let flag): flag ? 1 : 0
        default: nil
        }
    }

    /// Any number as a Double.
    var number: Double? {
        switch self {
        case .int(let number): Double(number)
        case .bool(let flag): flag ? 1 : 0
        case .float(let number): number
        default: nil
        }
    }

    /// The Python type name used in error messages (`'int' object is not iterable`).
    var typeName: String {
        switch self {
        case .undefined: "Undefined"
        case .none: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        case .markup: "Markup"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .callable(let callable):
            switch callable.kind {
            case .global: "function"
            case .method: "builtin_function_or_method"
            case .macro: "Macro"
            case .joiner: "Joiner"
            }
        case .object: "object"
        }
    }
}

// MARK: - Literals

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        var dictionary = ValueDictionary()
        for (key, value) in elements { dictionary[key] = value }
        self = .dict(dictionary)
    }
}

// MARK: - Dictionaries

/// A Python dict: insertion-ordered, keyed by hashable values with Python's equality (`1 == 1.0 == True`).
public struct ValueDictionary: Sendable {
    private(set) var keys: [Value] = []
    private(set) var values: [Value] = []
    private var positions: [DictionaryKey: Int] = [:]

    public init() {}

    /// A dictionary with these keys and values, in this order (later duplicates replace earlier ones).
    public init(_ pairs: [(String, Value)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Key-value pairs in insertion order.
    public var pairs: [(key: Value, value: Value)] { Array(zip(keys, values)).map { ($0.0, $0.1) } }

    public subscript(key: String) -> Value? {
        get { positions[.string(CodePoints(key))].map { values[$0] } }
        set {
            if let newValue { try? set(.string(key), newValue) } else { remove(.string(CodePoints(key))) }
        }
    }

    func value(for key: Value) throws -> Value? {
        try positions[DictionaryKey(key)].map { values[$0] }
    }

    /// Stores a value; a key equal to an existing one keeps the original key object, as Python does.
    mutating func set(_ key: Value, _ value: Value) throws {
        let hashKey = try DictionaryKey(key)
        if let position = positions[hashKey] {
            values[position] = value
        } else {
            positions[hashKey] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    private mutating func remove(_ key: DictionaryKey) {
        guard let position = positions.removeValue(forKey: key) else { return }
        keys.remove(at: position)
        values.remove(at: position)
        for (other, index) in positions where index > position { positions[other] = index - 1 }
    }

    func contains(_ key: Value) throws -> Bool { positions[try DictionaryKey(key)] != nil }
}

/// The hashable part of a Python value, normalised so that keys Python treats as equal collide.
enum DictionaryKey: Hashable, Sendable {
    case none
    case int(Int)
    case float(Double)
    case string(CodePoints)
    case tuple([DictionaryKey])

    init(_ value: Value) throws {
        var budget = DictionaryKey.maximumParts
        try self.init(value, budget: &budget)
    }

    /// Parts a tuple key may have in all (tuples can share parts, so their trees can be huge).
    static let maximumParts = 10_000

    private init(_ value: Value, budget: inout Int) throws {
        budget -= 1
        guard budget >= 0 else { throw TemplateError.limit("a tuple used as a key has more than \(DictionaryKey.maximumParts) parts") }
        switch value {
        case .none: self = .none
        case .bool(let flag): self = .int(flag ? 1 : 0)
        case .int(let number): self = .int(number)
        case .float(let number):
            if number.rounded() == number, let exact = Int(exactly: number) { self = .int(exact) } else { self = .float(number) }
        case .string(let text), .markup(let text): self = .string(CodePoints(text))
        case .tuple(let items):
            var parts: [DictionaryKey] = []
            for item in items { parts.append(try DictionaryKey(item, budget: &budget)) }
            self = .tuple(parts)
        case .undefined: self = .string(CodePoints("\u{0}undefined"))
        default: throw TemplateError.type("unhashable type: '\(value.typeName)'")
        }
    }
}

/// A string compared and hashed by code points, as Python does (Swift's String equality would merge
/// canonically equivalent spellings such as "é" and "e\u{301}").
struct CodePoints: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (a: CodePoints, b: CodePoints) -> Bool { PythonText.equal(a.text, b.text) }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
