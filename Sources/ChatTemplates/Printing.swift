import TextFormats

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
