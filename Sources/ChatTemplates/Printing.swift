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

    func repr(_ value: Value) throws -> String {
        var out = ""
        try writeRepr(value, into: &out, depth: 0)
        return out
    }

    /// Appends `repr(value)`, checking size as it goes so a value that repeats itself cannot exhaust memory.
    private func writeRepr(_ value: Value, into out: inout String, depth: Int) throws {
        try enterValue(depth: depth)
        func sequence(_ items: [Value], open: String, close: String) throws {
            out += open
            for (index, item) in items.enumerated() {
                if index > 0 { out += ", " }
                try writeRepr(item, into: &out, depth: depth + 1)
                try checkLength(out)
            }
            out += close
        }
        switch value {
        case .undefined: out += "Undefined"
        case .none: out += "None"
        case .bool(let flag): out += flag ? "True" : "False"
        case .int(let number): out += String(number)
        case .float(let number): out += PythonFloat.repr(number)
        case .string(let text): out += PythonText.repr(text)
        case .markup(let text): out += "Markup(\(PythonText.repr(text)))"
        case .list(let items): try sequence(items, open: "[", close: "]")
        case .tuple(let items): try sequence(items, open: "(", close: items.count == 1 ? ",)" : ")")
        case .dict(let dictionary):
            out += "{"
            for (index, pair) in dictionary.pairs.enumerated() {
                if index > 0 { out += ", " }
                try writeRepr(pair.key, into: &out, depth: depth + 1)
                out += ": "
                try writeRepr(pair.value, into: &out, depth: depth + 1)
                try checkLength(out)
            }
            out += "}"
        case .callable(let callable):
            out += callableRepr(callable)
        case .object(let object):
            switch state(of: object) {
            case .namespace(let attributes):
                out += "<Namespace "
                try writeRepr(.dict(attributes), into: &out, depth: depth + 1)
                out += ">"
            case .view(_, .range(let repr)):
                out += repr
            case .view(let items, let kind):
                out += kind.typeName + "("
                try writeRepr(.list(items), into: &out, depth: depth + 1)
                out += ")"
            case .loop(let loop): out += "<LoopContext \(loop.index0 + 1)/\(loop.items.count)>"
            case .iterator(_, _, let typeName): out += "<\(typeName) object>"
            case .macro(let macro): out += "<Macro \(PythonText.repr(macro.definition.name))>"
            case .cycler: out += "<jinja2.utils.Cycler object>"
            case .joiner: out += "<jinja2.utils.Joiner object>"
            }
        }
    }

    private func callableRepr(_ callable: Callable) -> String {
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
