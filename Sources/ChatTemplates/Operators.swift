#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TextFormats

/// Python's operators on template values: arithmetic with int/float promotion, floor division and modulo
/// rounding toward negative infinity, sequence concatenation and repetition, `%` formatting, chained and
/// mixed-type comparisons — with Python's own error messages.
enum Operators {
    static func binary(_ op: BinaryOperator, _ left: Value, _ right: Value, evaluator: Evaluator) throws -> Value {
        // Undefined fails any arithmetic, whichever side it is on.
        if case .undefined(let undefined) = left { throw undefined.error }
        if case .undefined(let undefined) = right { throw undefined.error }
        switch op {
        case .add: return try add(left, right, evaluator: evaluator)
        case .subtract: return try arithmetic(op, left, right)
        case .multiply: return try multiply(left, right, evaluator: evaluator)
        case .divide: return try divide(left, right)
        case .floorDivide, .modulo:
            if op == .modulo, let format = left.text {
                let formatted = try PrintfFormat.format(format, right, markup: left.isMarkup, evaluator: evaluator)
                return left.isMarkup ? .markup(formatted) : .string(formatted)
            }
            return try arithmetic(op, left, right)
        case .power: return try power(left, right)
        }
    }

    private static func unsupported(_ symbol: String, _ left: Value, _ right: Value) -> TemplateError {
        .type("unsupported operand type(s) for \(symbol): '\(left.typeName)' and '\(right.typeName)'")
    }

    static func integerOverflow() -> TemplateError {
        TemplateError(.overflow, "integer overflow (template integers are 64-bit here; Python's are unbounded)")
    }

    private static func add(_ left: Value, _ right: Value, evaluator: Evaluator) throws -> Value {
        switch (left, right) {
        case (.string(let a), .string(let b)):
            let joined = a + b
            try evaluator.checkLength(joined)
            return .string(joined)
        case (.markup(let a), .markup(let b)), (.markup(let a), .string(let b)):
            return .markup(a + (right.isMarkup ? b : HTML.escape(b)))
        case (.string(let a), .markup(let b)):
            return .markup(HTML.escape(a) + b)
        case (.list(let a), .list(let b)):
            try evaluator.checkCount(a.count + b.count)
            return .list(a + b)
        case (.tuple(let a), .tuple(let b)):
            try evaluator.checkCount(a.count + b.count)
            return .tuple(a + b)
        case (.string, _):
            throw TemplateError.type("can only concatenate str (not \"\(right.typeName)\") to str")
        case (.list, _), (.tuple, _):
            throw TemplateError.type("can only concatenate \(left.typeName) (not \"\(right.typeName)\") to \(left.typeName)")
        default:
            return try arithmetic(.add, left, right)
        }
    }

    private static func multiply(_ left: Value, _ right: Value, evaluator: Evaluator) throws -> Value {
        let sequence: Value, times: Value
        if left.text != nil || left.elements != nil {
            (sequence, times) = (left, right)
        } else if right.text != nil || right.elements != nil {
            (sequence, times) = (right, left)
        } else {
            return try arithmetic(.multiply, left, right)
        }
        guard times.numericKind == .int, let requested = times.integer else {
            throw TemplateError.type("can't multiply sequence by non-int of type '\(times.typeName)'")
        }
        let count = max(requested, 0)
        if let text = sequence.text {
            let (bytes, overflow) = text.utf8.count.multipliedReportingOverflow(by: count)
            if overflow || bytes > evaluator.limits.maximumStringBytes {
                throw TemplateError.limit("a string grew beyond \(evaluator.limits.maximumStringBytes) bytes")
            }
            let result = String(repeating: text, count: count)
            return sequence.isMarkup ? .markup(result) : .string(result)
        }
        let items = sequence.elements ?? []
        let (total, overflow) = items.count.multipliedReportingOverflow(by: count)
        if overflow || total > evaluator.limits.maximumItems {
            throw TemplateError.limit("a list grew beyond \(evaluator.limits.maximumItems) items")
        }
        var result: [Value] = []
        result.reserveCapacity(total)
        for _ in 0..<count { result += items }
        if case .tuple = sequence { return .tuple(result) }
        return .list(result)
    }

    private static func divide(_ left: Value, _ right: Value) throws -> Value {
        guard let a = left.number, let b = right.number else { throw unsupported("/", left, right) }
        if b == 0 {
            let bothInts = left.numericKind == .int && right.numericKind == .int
            throw TemplateError(.zeroDivision, bothInts ? "division by zero" : "float division by zero")
        }
        return .float(a / b)
    }

    /// `+ - * // %` on numbers.
    private static func arithmetic(_ op: BinaryOperator, _ left: Value, _ right: Value) throws -> Value {
        guard left.numericKind != nil, right.numericKind != nil else { throw unsupported(op.rawValue, left, right) }
        if let a = left.integer, let b = right.integer {
            switch op {
            case .add:
                let (sum, overflow) = a.addingReportingOverflow(b)
                if overflow { throw integerOverflow() }
                return .int(sum)
            case .subtract:
                let (difference, overflow) = a.subtractingReportingOverflow(b)
                if overflow { throw integerOverflow() }
                return .int(difference)
            case .multiply:
                let (product, overflow) = a.multipliedReportingOverflow(by: b)
                if overflow { throw integerOverflow() }
                return .int(product)
            case .floorDivide:
                guard b != 0 else { throw TemplateError(.zeroDivision, "integer division or modulo by zero") }
                if a == .min, b == -1 { throw integerOverflow() }
                let quotient = a / b
                return .int((a % b != 0) && ((a < 0) != (b < 0)) ? quotient - 1 : quotient)
            case .modulo:
                guard b != 0 else { throw TemplateError(.zeroDivision, "integer modulo by zero") }
                if b == -1 { return .int(0) }
                let remainder = a % b
                return .int(remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder)
            default:
                break
            }
        }
        guard let a = left.number, let b = right.number else { throw unsupported(op.rawValue, left, right) }
        switch op {
        case .add: return .float(a + b)
        case .subtract: return .float(a - b)
        case .multiply: return .float(a * b)
        case .floorDivide:
            guard b != 0 else { throw TemplateError(.zeroDivision, "float floor division by zero") }
            return .float(floatDivMod(a, b).quotient)
        case .modulo:
            guard b != 0 else { throw TemplateError(.zeroDivision, "float modulo by zero") }
            return .float(floatDivMod(a, b).remainder)
        default:
            throw unsupported(op.rawValue, left, right)
        }
    }

    /// CPython's float_divmod.
    static func floatDivMod(_ vx: Double, _ wx: Double) -> (quotient: Double, remainder: Double) {
        var mod = fmod(vx, wx)
        var div = (vx - mod) / wx
        if mod != 0 {
            if (wx < 0) != (mod < 0) {
                mod += wx
                div -= 1
            }
        } else {
            mod = copysign(0, wx)
        }
        var floorDiv: Double
        if div != 0 {
            floorDiv = div.rounded(.down)
            if div - floorDiv > 0.5 { floorDiv += 1 }
        } else {
            floorDiv = copysign(0, vx / wx)
        }
        return (floorDiv, mod)
    }

    private static func power(_ left: Value, _ right: Value) throws -> Value {
        guard left.numericKind != nil, right.numericKind != nil else { throw unsupported("** or pow()", left, right) }
        if let base = left.integer, let exponent = right.integer {
            if exponent >= 0 {
                var result = 1, factor = base, remaining = exponent
                while remaining > 0 {
                    if remaining & 1 == 1 {
                        let (product, overflow) = result.multipliedReportingOverflow(by: factor)
                        if overflow { throw integerOverflow() }
                        result = product
                    }
                    remaining >>= 1
                    if remaining > 0 {
                        let (square, overflow) = factor.multipliedReportingOverflow(by: factor)
                        if overflow { throw integerOverflow() }
                        factor = square
                    }
                }
                return .int(result)
            }
            if base == 0 { throw TemplateError(.zeroDivision, "0.0 cannot be raised to a negative power") }
        }
        guard let a = left.number, let b = right.number else { throw unsupported("** or pow()", left, right) }
        if a == 0, b < 0 { throw TemplateError(.zeroDivision, "0.0 cannot be raised to a negative power") }
        if a < 0, b.rounded() != b {
            throw TemplateError(.unsupported, "a negative number to a fractional power is complex, which templates here do not support")
        }
        let result = pow(a, b)
        if result.isInfinite, a.isFinite, b.isFinite { throw TemplateError(.overflow, "(34, 'Numerical result out of range')") }
        return .float(result)
    }

    static func negate(_ value: Value) throws -> Value {
        switch value {
        case .int(let number):
            guard number != .min else { throw integerOverflow() }
            return .int(-number)
        case .bool(let flag): return .int(flag ? -1 : 0)
        case .float(let number): return .float(-number)
        case .undefined(let undefined): throw undefined.error
        default: throw TemplateError.type("bad operand type for unary -: '\(value.typeName)'")
        }
    }

    static func plus(_ value: Value) throws -> Value {
        switch value {
        case .int, .float: return value
        case .bool(let flag): return .int(flag ? 1 : 0)
        case .undefined(let undefined): throw undefined.error
        default: throw TemplateError.type("bad operand type for unary +: '\(value.typeName)'")
        }
    }

    // MARK: - Comparison

    static func compare(_ op: CompareOperator, _ left: Value, _ right: Value, evaluator: Evaluator) throws -> Bool {
        switch op {
        case .equal: return try equal(left, right, evaluator: evaluator)
        case .notEqual: return try !equal(left, right, evaluator: evaluator)
        case .less, .lessEqual, .greater, .greaterEqual:
            // nil: unordered (a NaN took part), where every ordering comparison is false.
            guard let ordering = try order(op, left, right, evaluator: evaluator) else { return false }
            switch op {
            case .less: return ordering < 0
            case .lessEqual: return ordering <= 0
            case .greater: return ordering > 0
            default: return ordering >= 0
            }
        case .contains: return try contains(right, left, evaluator: evaluator)
        case .notContains: return try !contains(right, left, evaluator: evaluator)
        }
    }

    /// Python `==`.
    static func equal(_ left: Value, _ right: Value, evaluator: Evaluator, depth: Int = 0) throws -> Bool {
        try evaluator.enterValue(depth: depth)
        switch (left, right) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.undefined, _), (_, .undefined), (.none, _), (_, .none): return false
        default: break
        }
        if left.numericKind != nil, right.numericKind != nil {
            if let a = left.integer, let b = right.integer { return a == b }
            return left.number == right.number
        }
        if let a = left.text, let b = right.text { return PythonText.equal(a, b) }
        switch (left, right) {
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where try !equal(x, y, evaluator: evaluator, depth: depth + 1) { return false }
            return true
        case (.dict(let a), .dict(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a.pairs {
                guard let other = try b.value(for: key), try equal(value, other, evaluator: evaluator, depth: depth + 1) else {
                    return false
                }
            }
            return true
        case (.object(let a), .object(let b)):
            if a == b { return true }
            if case .view(let x, let kindX) = evaluator.state(of: a), case .view(let y, let kindY) = evaluator.state(of: b),
               kindX.typeName == kindY.typeName {
                return try equal(.list(x), .list(y), evaluator: evaluator, depth: depth + 1)
            }
            return false
        case (.callable(let a), .callable(let b)):
            switch (a.kind, b.kind) {
            case (.global(let x), .global(let y)): return x == y
            case (.macro(let x), .macro(let y)), (.joiner(let x), .joiner(let y)): return x == y
            default: return false
            }
        default:
            return false
        }
    }

    /// Python's ordering: -1, 0 or 1; nil when a NaN makes the values unordered; a TypeError naming the operator
    /// as written when the types cannot be ordered.
    static func order(_ op: CompareOperator, _ left: Value, _ right: Value, evaluator: Evaluator, depth: Int = 0) throws -> Int? {
        if case .undefined(let undefined) = left { throw undefined.error }
        if case .undefined(let undefined) = right { throw undefined.error }
        try evaluator.enterValue(depth: depth)
        if left.numericKind != nil, right.numericKind != nil {
            if let a = left.integer, let b = right.integer { return a < b ? -1 : a > b ? 1 : 0 }
            guard let a = left.number, let b = right.number, !a.isNaN, !b.isNaN else { return nil }
            return a < b ? -1 : a > b ? 1 : 0
        }
        if let a = left.text, let b = right.text {
            return PythonText.less(a, b) ? -1 : PythonText.equal(a, b) ? 0 : 1
        }
        switch (left, right) {
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            for (x, y) in zip(a, b) where try !equal(x, y, evaluator: evaluator, depth: depth + 1) {
                return try order(op, x, y, evaluator: evaluator, depth: depth + 1)
            }
            return a.count < b.count ? -1 : a.count > b.count ? 1 : 0
        default:
            throw TemplateError.type(
                "'\(op.rawValue)' not supported between instances of '\(left.typeName)' and '\(right.typeName)'")
        }
    }

    /// Python `item in container`.
    static func contains(_ container: Value, _ item: Value, evaluator: Evaluator) throws -> Bool {
        switch container {
        case .string(let text), .markup(let text):
            guard let needle = item.text else {
                if case .undefined(let undefined) = item { throw undefined.error }
                throw TemplateError.type("'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return needle.isEmpty || text.utf8.firstRange(of: needle.utf8) != nil
        case .list(let items), .tuple(let items):
            return try items.contains { try equal($0, item, evaluator: evaluator) }
        case .dict(let dictionary):
            return try dictionary.contains(item)
        case .undefined:
            return false
        case .object(let object):
            switch evaluator.state(of: object) {
            case .iterator(let items, let position, let typeName):
                let remaining = items[min(position, items.count)...]
                if let found = try remaining.firstIndex(where: { try equal($0, item, evaluator: evaluator) }) {
                    evaluator.update(object, .iterator(items: items, position: found + 1, typeName: typeName))
                    return true
                }
                evaluator.update(object, .iterator(items: items, position: items.count, typeName: typeName))
                return false
            case .view(let items, _):
                return try items.contains { try equal($0, item, evaluator: evaluator) }
            default:
                throw TemplateError.type("argument of type '\(evaluator.shortTypeName(container))' is not iterable")
            }
        default:
            throw TemplateError.type("argument of type '\(container.typeName)' is not iterable")
        }
    }
}

enum NumericKind { case int, float }

extension Value {
    /// int (bools count, as in Python) or float; nil for non-numbers.
    var numericKind: NumericKind? {
        switch self {
        case .int, .bool: .int
        case .float: .float
        default: nil
        }
    }
}

/// markupsafe's escaping.
enum HTML {
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
