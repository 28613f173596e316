/// How values print: `{{ x }}` is Python's `str(x)`, and containers show their items with `repr`, so a list
/// renders as `['a', 1, None]` and a float as Python's shortest round-trip form (`0.1`, `1e+16`).
extension Evaluator {
    func str(_ value: Value) throws -> String {
        switch value {
        case .undefined: return ""
        case .string(let text), .markup(let text): return text
        default: return try repr(value)
        }
    }

    func repr(_ value: Value, depth: Int = 0) throws -> String {
        guard depth < limits.maximumValueDepth else {
            throw TemplateError.limit("values nest more than \(limits.maximumValueDepth) levels deep")
        }
        switch value {
        case .undefined: return "Undefined"
        case .none: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let number): return String(number)
        case .float(let number): return PythonFloat.repr(number)
        case .string(let text): return PythonText.repr(text)
        case .markup(let text): return "Markup(\(PythonText.repr(text)))"
        case .list(let items):
            return "[" + (try items.map { try repr($0, depth: depth + 1) }).joined(separator: ", ") + "]"
        case .tuple(let items):
            let inner = try items.map { try repr($0, depth: depth + 1) }
            return "(" + inner.joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .dict(let dictionary):
            let inner = try dictionary.pairs.map { "\(try repr($0.key, depth: depth + 1)): \(try repr($0.value, depth: depth + 1))" }
            return "{" + inner.joined(separator: ", ") + "}"
        case .callable(let callable):
            switch callable.kind {
            case .global(let function):
                switch function {
                case .range, .dict: return "<class '\(function.rawValue)'>"
                case .namespace: return "<class 'jinja2.utils.Namespace'>"
                case .cycler: return "<class 'jinja2.utils.Cycler'>"
                case .joiner: return "<class 'jinja2.utils.Joiner'>"
                default: return "<function \(function.rawValue)>"
                }
            case .method(let receiver, let name):
                return "<built-in method \(name) of \(shortTypeName(receiver)) object>"
            case .macro(let object):
                if case .macro(let macro) = state(of: object) { return "<Macro \(PythonText.repr(macro.definition.name))>" }
                return "<Macro>"
            case .joiner:
                return "<jinja2.utils.Joiner object>"
            }
        case .object(let object):
            switch state(of: object) {
            case .namespace(let attributes):
                return "<Namespace \(try repr(.dict(attributes), depth: depth + 1))>"
            case .loop(let loop):
                return "<LoopContext \(loop.index0 + 1)/\(loop.items.count)>"
            case .iterator(_, _, let typeName):
                return "<\(typeName) object>"
            case .view(let items, let kind):
                if case .range(let repr) = kind { return repr }
                return "\(kind.typeName)(\(try self.repr(.list(items), depth: depth + 1)))"
            case .macro(let macro):
                return "<Macro \(PythonText.repr(macro.definition.name))>"
            case .cycler:
                return "<jinja2.utils.Cycler object>"
            case .joiner:
                return "<jinja2.utils.Joiner object>"
            }
        }
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in positional notation for exponents from
/// -4 to 15 and scientific notation (`1e+16`, `1.5e-07`) outside.
enum PythonFloat {
    static func repr(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        // Swift's description gives the shortest round-trip digits; re-lay them out by Python's rules.
        let (negative, digits, exponent) = decompose(number)
        let sign = negative ? "-" : ""
        if exponent >= -4 && exponent < 16 {
            if exponent < 0 {
                return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
            }
            let integerCount = exponent + 1
            if digits.count <= integerCount {
                return sign + digits + String(repeating: "0", count: integerCount - digits.count) + ".0"
            }
            let split = digits.index(digits.startIndex, offsetBy: integerCount)
            return sign + digits[..<split] + "." + digits[split...]
        }
        var mantissa = String(digits.prefix(1))
        if digits.count > 1 { mantissa += "." + digits.dropFirst() }
        let exponentDigits = String(abs(exponent))
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (exponentDigits.count < 2 ? "0" : "") + exponentDigits
    }

    /// The sign, significant digits (no leading/trailing zeros, "0" for zero) and decimal exponent of the
    /// first digit, from Swift's shortest round-trip description.
    static func decompose(_ number: Double) -> (negative: Bool, digits: String, exponent: Int) {
        let negative = number.sign == .minus
        var text = Substring(abs(number).description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        var integerPart = text, fraction = Substring("")
        if let dot = text.firstIndex(of: ".") {
            integerPart = text[..<dot]
            fraction = text[text.index(after: dot)...]
        }
        var digits = String(integerPart) + fraction
        var pointPosition = integerPart.count + exponent
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        if digits == "0" { return (negative, "0", 0) }
        return (negative, digits, pointPosition - 1)
    }
}
