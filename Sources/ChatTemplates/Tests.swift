import TextFormats

/// jinja2's built-in tests (`x is defined`, `x is string`, …; tests.py).
enum Tests {
    static let jinjaNames: Set<String> = [
        "odd", "even", "divisibleby", "defined", "undefined", "filter", "test", "none", "boolean", "false", "true",
        "integer", "float", "lower", "upper", "string", "mapping", "number", "sequence", "iterable", "callable",
        "sameas", "escaped", "in", "==", "eq", "equalto", "!=", "ne", ">", "gt", "greaterthan", "ge", ">=", "<",
        "lt", "lessthan", "<=", "le",
    ]

    static func apply(_ name: String, to value: Value, _ arguments: EvaluatedArguments, evaluator e: Evaluator) throws -> Bool {
        func argument(_ parameter: String) throws -> Value {
            let bound = try Signature(name, parameter).bind(arguments)
            guard let given = bound.given(parameter) else {
                throw TemplateError.type("test_\(name)() missing 1 required positional argument: '\(parameter)'")
            }
            return given
        }
        func noArguments() throws { try Signature(name).bind(arguments) }

        switch name {
        case "defined": try noArguments(); return !value.isUndefined
        case "undefined": try noArguments(); return value.isUndefined
        case "none": try noArguments(); if case .none = value { return true }; return false
        case "boolean": try noArguments(); if case .bool = value { return true }; return false
        case "true": try noArguments(); if case .bool(true) = value { return true }; return false
        case "false": try noArguments(); if case .bool(false) = value { return true }; return false
        case "integer": try noArguments(); if case .int = value { return true }; return false
        case "float": try noArguments(); if case .float = value { return true }; return false
        case "number": try noArguments(); return value.numericKind != nil
        case "string": try noArguments(); return value.text != nil
        case "mapping": try noArguments(); if case .dict = value { return true }; return false
        case "iterable":
            try noArguments()
            switch value {
            case .list, .tuple, .string, .markup, .dict, .undefined: return true
            case .object(let object):
                switch e.state(of: object) {
                case .iterator, .view: return true
                default: return false
                }
            default: return false
            }
        case "sequence":
            // Python: has len() and __getitem__ (Undefined has both).
            try noArguments()
            switch value {
            case .list, .tuple, .string, .markup, .dict, .undefined: return true
            case .object(let object):
                if case .view = e.state(of: object) { return true }
                return false
            default: return false
            }
        case "callable":
            try noArguments()
            if case .callable = value { return true }
            return false
        case "escaped": try noArguments(); return value.isMarkup
        case "lower": try noArguments(); return PythonText.isLower(try e.str(value))
        case "upper": try noArguments(); return PythonText.isUpper(try e.str(value))
        case "odd", "even":
            try noArguments()
            let remainder = try Operators.binary(.modulo, value, .int(2), evaluator: e)
            return try Operators.equal(remainder, .int(name == "odd" ? 1 : 0), evaluator: e)
        case "divisibleby":
            let remainder = try Operators.binary(.modulo, value, try argument("num"), evaluator: e)
            return try Operators.equal(remainder, .int(0), evaluator: e)
        case "filter": try noArguments(); return Filters.jinjaNames.contains(try e.str(value))
        case "test": try noArguments(); return Tests.jinjaNames.contains(try e.str(value))
        case "sameas": return try sameObject(value, try argument("other"))
        case "in": return try Operators.contains(try argument("seq"), value, evaluator: e)
        case "==", "eq", "equalto": return try Operators.compare(.equal, value, try argument("b"), evaluator: e)
        case "!=", "ne": return try Operators.compare(.notEqual, value, try argument("b"), evaluator: e)
        case ">", "gt", "greaterthan": return try Operators.compare(.greater, value, try argument("b"), evaluator: e)
        case ">=", "ge": return try Operators.compare(.greaterEqual, value, try argument("b"), evaluator: e)
        case "<", "lt", "lessthan": return try Operators.compare(.less, value, try argument("b"), evaluator: e)
        case "<=", "le": return try Operators.compare(.lessEqual, value, try argument("b"), evaluator: e)
        default:
            throw TemplateError(.runtime, "No test named '\(name)'.")
        }
    }

    /// Python's `is`: identity. Only singletons and CPython's cached small ints have a predictable identity.
    private static func sameObject(_ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y && (-5...256).contains(x)
        case (.object(let x), .object(let y)): return x == y
        default: return false
        }
    }
}
