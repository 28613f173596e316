import TextFormats

/// jinja2's built-in filters (filters.py), with transformers' `tojson`. Each behaves as its Python original does
/// with transformers' environment (no autoescape), including what it does with undefined values and which
/// ones hand back one-shot generators.
enum Filters {
    /// Every filter name jinja2 3.1 knows (others fail when the template is compiled).
    static let jinjaNames: Set<String> = [
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
        "filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent", "int", "join", "last",
        "length", "list", "lower", "items", "map", "min", "max", "pprint", "random", "reject", "rejectattr",
        "replace", "reverse", "round", "safe", "select", "selectattr", "slice", "sort", "string", "striptags",
        "sum", "title", "trim", "truncate", "unique", "upper", "urlencode", "urlize", "wordcount", "wordwrap",
        "xmlattr", "tojson",
    ]

    /// Filters whose result nests deeper than their input (`[[1, 2], [3]]` from `[1, 2, 3]`); their results are
    /// checked against the depth limit, also when `map` applies them.
    static let nesting: Set<String> = ["batch", "slice", "groupby", "dictsort"]

    /// Known to jinja2 but left out here: presentation helpers no chat template relies on.
    static let unsupported: Set<String> = [
        "filesizeformat", "pprint", "random", "striptags", "urlencode", "urlize", "wordwrap", "xmlattr",
    ]

    static func apply(_ name: String, to value: Value, _ arguments: EvaluatedArguments, evaluator: Evaluator) throws -> Value {
        let result = try run(name, on: value, arguments, evaluator: evaluator)
        if nesting.contains(name) { try evaluator.checkDepth(result) }
        return result
    }

    private static func run(_ name: String, on value: Value, _ arguments: EvaluatedArguments, evaluator: Evaluator) throws -> Value {
        let e = evaluator
        switch name {
        // Strings
        case "trim":
            let bound = try Signature("trim", "chars").bind(arguments)
            let chars = try bound["chars"].map { try e.str($0) }
            return same(value, PythonText.strip(try e.str(value), chars: chars))
        case "upper": try Signature("upper").bind(arguments); return same(value, PythonText.upper(try e.str(value)))
        case "lower": try Signature("lower").bind(arguments); return same(value, PythonText.lower(try e.str(value)))
        case "capitalize":
            try Signature("capitalize").bind(arguments)
            return same(value, PythonText.capitalize(try e.str(value)))
        case "title":
            try Signature("title").bind(arguments)
            return same(value, jinjaTitle(try e.str(value)))
        case "replace":
            let bound = try Signature("replace", "old", "new", "count").bind(arguments)
            guard let old = bound.given("old"), let new = bound.given("new") else {
                throw TemplateError.type("replace() missing required arguments 'old' and 'new'")
            }
            let count = try bound.int("count", default: -1)
            let result = StringMethods.replace(try e.str(value), try e.str(old), try e.str(new), count: count)
            try e.checkLength(result)
            return .string(result)
        case "center":
            let bound = try Signature("center", "width").bind(arguments)
            return .string(StringMethods.center(try e.str(value), width: try bound.int("width", default: 80), fill: " "))
        case "indent":
            return try indent(value, try Signature("indent", "width", "first", "blank").bind(arguments), evaluator: e)
        case "truncate":
            return try truncate(value, try Signature("truncate", "length", "killwords", "end", "leeway").bind(arguments), evaluator: e)
        case "wordcount":
            try Signature("wordcount").bind(arguments)
            return .int(wordCount(try e.str(value)))
        case "string":
            try Signature("string").bind(arguments)
            return value.isMarkup ? value : .string(try e.str(value))
        case "format":
            if !arguments.positional.isEmpty, !arguments.keywords.isEmpty {
                throw TemplateError(.filterArgument, "can't handle positional and keyword arguments at the same time")
            }
            var mapping = ValueDictionary()
            for keyword in arguments.keywords { try mapping.set(.string(keyword.name), keyword.value) }
            let values: Value = arguments.keywords.isEmpty ? .tuple(arguments.positional) : .dict(mapping)
            let text = try e.str(value)
            return same(value, try PrintfFormat.format(text, values, markup: value.isMarkup, evaluator: e))
        case "safe":
            try Signature("safe").bind(arguments)
            return .markup(try e.str(value))
        case "e", "escape":
            try Signature(name).bind(arguments)
            return value.isMarkup ? value : .markup(HTML.escape(try e.str(value)))
        case "forceescape":
            try Signature("forceescape").bind(arguments)
            return .markup(HTML.escape(try e.str(value)))
        case "tojson":
            return try toJSON(value, try Signature("tojson", "ensure_ascii", "indent", "separators", "sort_keys").bind(arguments), evaluator: e)

        // Numbers
        case "abs":
            try Signature("abs").bind(arguments)
            switch value {
            case .int(let number):
                guard number != .min else { throw Operators.integerOverflow() }
                return .int(abs(number))
            case .bool(let flag): return .int(flag ? 1 : 0)
            case .float(let number): return .float(abs(number))
            case .undefined(let undefined): throw undefined.error
            default: throw TemplateError.type("bad operand type for abs(): '\(value.typeName)'")
            }
        case "int":
            return try toInt(value, try Signature("int", "default", "base").bind(arguments), evaluator: e)
        case "float":
            let bound = try Signature("float", "default").bind(arguments)
            return try toFloat(value) ?? bound.given("default") ?? .float(0)
        case "round":
            return try round(value, try Signature("round", "precision", "method").bind(arguments), evaluator: e)

        // Defaults and attributes
        case "d", "default":
            let bound = try Signature(name, "default_value", "boolean").bind(arguments)
            let fallback = bound.given("default_value") ?? .string("")
            if value.isUndefined { return fallback }
            if try bound.bool("boolean", default: false), try !e.truthy(value) { return fallback }
            return value
        case "attr":
            let bound = try Signature("attr", "name").bind(arguments)
            guard let attribute = bound.given("name") else { throw TemplateError.type("attr() missing required argument 'name'") }
            return try pythonAttribute(try e.str(attribute), of: value, evaluator: e)

        default:
            return try SequenceFilters.apply(name, to: value, arguments, evaluator: e)
        }
    }

    /// Keeps Markup as Markup, as markupsafe's string methods do.
    static func same(_ original: Value, _ text: String) -> Value {
        original.isMarkup ? .markup(text) : .string(text)
    }

    /// jinja2's `title`: a word starts after `-`, whitespace or an opening bracket.
    static func jinjaTitle(_ text: String) -> String {
        var out = ""
        var atWordStart = true
        for scalar in text.unicodeScalars {
            let separator = scalar == "-" || scalar == "(" || scalar == "{" || scalar == "[" || scalar == "<"
                || PythonText.isSpace(scalar)
            if separator {
                out.unicodeScalars.append(scalar)
                atWordStart = true
            } else if atWordStart {
                out += scalar.properties.uppercaseMapping
                atWordStart = false
            } else {
                out += scalar.properties.lowercaseMapping
            }
        }
        return out
    }

    static func wordCount(_ text: String) -> Int {
        var count = 0, inWord = false
        for scalar in text.unicodeScalars {
            let word = PythonText.isWordCharacter(scalar)
            if word, !inWord { count += 1 }
            inWord = word
        }
        return count
    }

    private static func indent(_ value: Value, _ bound: BoundArguments, evaluator: Evaluator) throws -> Value {
        let indentation: String
        switch bound.given("width") {
        case nil: indentation = "    "
        case .string(let text)?, .markup(let text)?: indentation = text
        case let width?:
            guard let count = width.integer else { throw TemplateError.type("can't multiply sequence by non-int of type '\(width.typeName)'") }
            indentation = String(repeating: " ", count: max(count, 0))
        }
        let first = try bound.bool("first", default: false), blank = try bound.bool("blank", default: false)
        let lines = StringMethods.splitLines(try evaluator.str(value) + "\n", keepEnds: false)
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + indentation)
        } else {
            result = lines.first ?? ""
            let rest = lines.dropFirst()
            if !rest.isEmpty {
                result += "\n" + rest.map { $0.isEmpty ? $0 : indentation + $0 }.joined(separator: "\n")
            }
        }
        if first { result = indentation + result }
        try evaluator.checkLength(result)
        return same(value, result)
    }

    private static func truncate(_ value: Value, _ bound: BoundArguments, evaluator: Evaluator) throws -> Value {
        let text = try evaluator.str(value)
        let length = try bound.int("length", default: 255)
        let killWords = try bound.bool("killwords", default: false)
        let end = try bound.string("end", default: "...", evaluator: evaluator)
        let leeway = try bound.int("leeway", default: 5)
        let endLength = PythonText.length(end)
        guard length >= endLength else { throw TemplateError(.filterArgument, "expected length >= \(endLength), got \(length)") }
        guard leeway >= 0 else { throw TemplateError(.filterArgument, "expected leeway >= 0, got \(leeway)") }
        let scalars = Array(text.unicodeScalars)
        if scalars.count <= length + leeway { return value.isUndefined ? .string("") : value }
        let kept = PythonText.string(scalars.prefix(length - endLength))
        if killWords { return .string(kept + end) }
        let words = StringMethods.split(kept, separator: " ", maxSplit: 1, fromRight: true)
        return .string((words.first ?? "") + end)
    }

    private static func toJSON(_ value: Value, _ bound: BoundArguments, evaluator: Evaluator) throws -> Value {
        var dumper = JSONDumper(evaluator: evaluator)
        dumper.style.asciiOnly = try bound.bool("ensure_ascii", default: false)
        dumper.sortKeys = try bound.bool("sort_keys", default: false)
        if let indent = bound["indent"] {
            switch indent {
            case .string(let text), .markup(let text): dumper.style.indent = text
            default:
                guard let count = indent.integer else {
                    throw TemplateError.type("can't multiply sequence by non-int of type '\(indent.typeName)'")
                }
                dumper.style.indent = String(repeating: " ", count: max(count, 0))
            }
            dumper.style.itemSeparator = ","
        }
        if let separators = bound["separators"] {
            guard let parts = separators.elements, parts.count == 2 else {
                throw TemplateError.value("separators must be a pair (item_separator, key_separator)")
            }
            dumper.style.itemSeparator = try evaluator.str(parts[0])
            dumper.style.keySeparator = try evaluator.str(parts[1])
        }
        return .string(try dumper.dumps(value))
    }

    private static func toInt(_ value: Value, _ bound: BoundArguments, evaluator: Evaluator) throws -> Value {
        let fallback = bound.given("default") ?? .int(0)
        let base = try bound.int("base", default: 10)
        switch value {
        case .int: return value
        case .bool(let flag): return .int(flag ? 1 : 0)
        case .float(let number):
            guard number.isFinite, let truncated = Int(exactly: number.rounded(.towardZero)) else { return fallback }
            return .int(truncated)
        case .string(let text), .markup(let text):
            if let parsed = PythonNumbers.parseInt(text, base: base) { return .int(parsed) }
            if let number = PythonFloat.parse(text), number.isFinite, let truncated = Int(exactly: number.rounded(.towardZero)) {
                return .int(truncated)
            }
            return fallback
        case .undefined(let undefined):
            throw undefined.error
        default:
            return fallback
        }
    }

    /// Python's `float(value)`, or nil where it raises TypeError/ValueError.
    static func toFloat(_ value: Value) throws -> Value? {
        switch value {
        case .int, .bool: return .float(value.number ?? 0)
        case .float: return value
        case .string(let text), .markup(let text): return PythonFloat.parse(text).map(Value.float)
        case .undefined(let undefined): throw undefined.error
        default: return nil
        }
    }

    private static func round(_ value: Value, _ bound: BoundArguments, evaluator: Evaluator) throws -> Value {
        let precision = try bound.int("precision", default: 0)
        let method = try bound.string("method", default: "common", evaluator: evaluator)
        guard ["common", "ceil", "floor"].contains(method) else {
            throw TemplateError(.filterArgument, "method must be common, ceil or floor")
        }
        if case .undefined(let undefined) = value { throw undefined.error }
        guard let number = value.number else { throw TemplateError.type("type \(value.typeName) doesn't define __round__ method") }
        if method == "common" {
            if let integer = value.integer {
                guard precision < 0 else { return .int(integer) }
                return .int(PythonNumbers.roundHalfEven(integer, digits: -precision))
            }
            return .float(PythonNumbers.round(number, digits: precision))
        }
        let scale = PythonNumbers.power10(precision)
        let scaled = number * scale
        return .float((method == "ceil" ? scaled.rounded(.up) : scaled.rounded(.down)) / scale)
    }

    /// `getattr(value, name)` without the fallback to items (the `attr` filter).
    static func pythonAttribute(_ name: String, of value: Value, evaluator: Evaluator) throws -> Value {
        switch value {
        case .undefined(let undefined):
            throw undefined.error
        case .object:
            return try evaluator.attribute(name, of: value)
        default:
            return Methods.lookup(name, on: value) ?? .undefined(evaluator.missingAttribute(name, of: value))
        }
    }
}

/// Python's number parsing and rounding.
enum PythonNumbers {
    /// `int(text, base)`: surrounding whitespace, a sign, underscores between digits, and a matching prefix.
    static func parseInt(_ text: String, base: Int) -> Int? {
        var body = Substring(PythonText.strip(text, chars: nil))
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        var radix = base
        let lower = body.lowercased()
        if base == 0 || base == 16 || base == 8 || base == 2 {
            for (prefix, prefixRadix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
                if base == 0 || base == prefixRadix {
                    radix = prefixRadix
                    body = body.dropFirst(2)
                    if body.first == "_" { body = body.dropFirst() }
                }
            }
        }
        if radix == 0 {
            radix = 10
            if body.count > 1, body.first == "0", body.contains(where: { $0 != "0" && $0 != "_" }) { return nil }
        }
        guard (2...36).contains(radix), !body.isEmpty, body.first != "_", body.last != "_", !body.contains("__") else { return nil }
        let digits = body.filter { $0 != "_" }
        guard digits.allSatisfy({ $0.isASCII }), let magnitude = Int(digits, radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    static func power10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<min(abs(exponent), 400) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }

    /// `round(float, digits)`: correctly rounded, ties to even, like CPython's float.__round__.
    static func round(_ number: Double, digits: Int) -> Double {
        guard number.isFinite else { return number }
        if digits >= 0 {
            if digits > 330 { return number }
            let text = PrintfFormat.cFormat("%.\(digits)f", number)
            return Double(text) ?? number
        }
        let scale = power10(-digits)
        let scaled = number / scale
        var rounded = scaled.rounded(.toNearestOrEven)
        if abs(scaled - rounded) == 0.5 { rounded = 2 * (scaled / 2).rounded(.toNearestOrEven) }
        return rounded * scale
    }

    /// `round(int, -digits)`: to a multiple of 10^digits, ties to even.
    static func roundHalfEven(_ number: Int, digits: Int) -> Int {
        guard digits < 19 else { return 0 }
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let quotient = number / scale, remainder = number % scale
        var floorQuotient = quotient, floorRemainder = remainder
        if remainder < 0 { floorQuotient -= 1; floorRemainder += scale }
        let twice = floorRemainder * 2
        if twice > scale || (twice == scale && floorQuotient % 2 != 0) { floorQuotient += 1 }
        return floorQuotient * scale
    }
}
