import TextFormats

/// Call arguments after evaluation.
struct EvaluatedArguments {
    var positional: [Value] = []
    var keywords: [(name: String, value: Value)] = []

    static let none = EvaluatedArguments()

    func keyword(_ name: String) -> Value? { keywords.first { $0.name == name }?.value }
}

extension Evaluator {
    func evaluate(_ expression: Expression, in scope: Scope) throws -> Value {
        do {
            return try evaluateNode(expression, in: scope)
        } catch var error as TemplateError {
            if error.offset == nil { error.offset = expression.offset }
            throw error
        }
    }

    private func evaluateNode(_ expression: Expression, in scope: Scope) throws -> Value {
        switch expression.kind {
        case .literal(let value):
            return value
        case .name(let name):
            return scope.lookup(name) ?? .undefined(.variable(name))
        case .list(let items):
            let list = Value.list(try items.map { try evaluate($0, in: scope) })
            try checkDepth(list)
            return list
        case .tuple(let items):
            let tuple = Value.tuple(try items.map { try evaluate($0, in: scope) })
            try checkDepth(tuple)
            return tuple
        case .dict(let pairs):
            var dictionary = ValueDictionary()
            for pair in pairs {
                try dictionary.set(try evaluate(pair.key, in: scope), try evaluate(pair.value, in: scope))
            }
            try checkDepth(.dict(dictionary))
            return .dict(dictionary)
        case .attribute(let base, let name):
            return try attribute(name, of: try evaluate(base, in: scope))
        case .item(let base, let key):
            return try item(try evaluate(key, in: scope), of: try evaluate(base, in: scope))
        case .slice(let base, let start, let stop, let step):
            let value = try evaluate(base, in: scope)
            func bound(_ expression: Expression?) throws -> Value {
                try expression.map { try evaluate($0, in: scope) } ?? .none
            }
            return try slice(value, start: try bound(start), stop: try bound(stop), step: try bound(step))
        case .call(let callee, let arguments):
            let function = try evaluate(callee, in: scope)
            return try call(function, try evaluateArguments(arguments, in: scope))
        case .filter(let base, let filter):
            return try applyFilter(filter, to: try evaluate(base, in: scope), in: scope)
        case .test(let base, let name, let arguments, let negated):
            let value = try evaluate(base, in: scope)
            let passed = try Tests.apply(name, to: value, try evaluateArguments(arguments, in: scope), evaluator: self)
            return .bool(passed != negated)
        case .negate(let operand):
            return try Operators.negate(try evaluate(operand, in: scope))
        case .plus(let operand):
            return try Operators.plus(try evaluate(operand, in: scope))
        case .not(let operand):
            return .bool(!(try truthy(try evaluate(operand, in: scope))))
        case .binary(let op, let left, let right):
            return try Operators.binary(op, try evaluate(left, in: scope), try evaluate(right, in: scope), evaluator: self)
        case .and(let left, let right):
            let first = try evaluate(left, in: scope)
            return try truthy(first) ? try evaluate(right, in: scope) : first
        case .or(let left, let right):
            let first = try evaluate(left, in: scope)
            return try truthy(first) ? first : try evaluate(right, in: scope)
        case .compare(let first, let rest):
            var left = try evaluate(first, in: scope)
            for (op, operand) in rest {
                let right = try evaluate(operand, in: scope)
                guard try Operators.compare(op, left, right, evaluator: self) else { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .concat(let parts):
            var text = ""
            for part in parts { text += try str(try evaluate(part, in: scope)) }
            try checkLength(text)
            return .string(text)
        case .conditional(let then, let condition, let otherwise):
            if try truthy(try evaluate(condition, in: scope)) { return try evaluate(then, in: scope) }
            if let otherwise { return try evaluate(otherwise, in: scope) }
            return .undefined(Undefined("the inline if-expression evaluated to false and no else section was defined."))
        }
    }

    func evaluateArguments(_ arguments: Arguments, in scope: Scope) throws -> EvaluatedArguments {
        var result = EvaluatedArguments()
        result.positional = try arguments.positional.map { try evaluate($0, in: scope) }
        if let splat = arguments.splat { result.positional += try iterate(try evaluate(splat, in: scope)) }
        result.keywords = try arguments.keywords.map { ($0.name, try evaluate($0.value, in: scope)) }
        if let splat = arguments.keywordSplat {
            guard case .dict(let dictionary) = try evaluate(splat, in: scope) else {
                throw TemplateError.type("argument after ** must be a mapping")
            }
            for (key, value) in dictionary.pairs {
                guard let name = key.text else { throw TemplateError.type("keywords must be strings") }
                result.keywords.append((name, value))
            }
        }
        return result
    }

    func applyFilter(_ filter: FilterCall, to value: Value, in scope: Scope) throws -> Value {
        let arguments = try evaluateArguments(filter.arguments, in: scope)
        do {
            let result = try Filters.apply(filter.name, to: value, arguments, evaluator: self)
            if let text = result.text { try checkLength(text) }
            return result
        } catch var error as TemplateError {
            if error.offset == nil { error.offset = filter.offset }
            throw error
        }
    }

    // MARK: - Truth, iteration

    func truthy(_ value: Value) throws -> Bool {
        if case .object(let object) = value, case .view(let items, _) = state(of: object) { return !items.isEmpty }
        return value.isTruthy
    }

    /// The items a for loop (or `list(…)`) sees. One-shot iterators are exhausted by this.
    func iterate(_ value: Value) throws -> [Value] {
        switch value {
        case .list(let items), .tuple(let items):
            return items
        case .string(let text), .markup(let text):
            return text.unicodeScalars.map { .string(String($0)) }
        case .dict(let dictionary):
            return dictionary.keys
        case .undefined:
            return []
        case .object(let object):
            switch state(of: object) {
            case .iterator(let items, let position, let typeName):
                update(object, .iterator(items: items, position: items.count, typeName: typeName))
                return Array(items[min(position, items.count)...])
            case .view(let items, _):
                return items
            default:
                throw TemplateError.type("'\(shortTypeName(value))' object is not iterable")
            }
        default:
            throw TemplateError.type("'\(value.typeName)' object is not iterable")
        }
    }

    /// A one-shot iterator over `items` (what jinja2's generator-returning filters give back).
    func generator(_ items: [Value], typeName: String = "generator") -> Value {
        .object(allocate(.iterator(items: items, position: 0, typeName: typeName)))
    }

    /// A reusable view such as `range(0, 3)` or `dict_items([...])`.
    func view(_ items: [Value], _ kind: ViewKind) -> Value {
        .object(allocate(.view(items: items, kind: kind)))
    }

    /// `len(value)`, with Python's error for values without a length.
    func length(of value: Value) throws -> Int {
        switch value {
        case .list(let items), .tuple(let items): return items.count
        case .string(let text), .markup(let text): return PythonText.length(text)
        case .dict(let dictionary): return dictionary.count
        case .undefined: return 0
        case .object(let object):
            switch state(of: object) {
            case .view(let items, _): return items.count
            case .namespace, .loop, .cycler, .joiner, .macro, .iterator: break
            }
        default: break
        }
        throw TemplateError.type("object of type '\(shortTypeName(value))' has no len()")
    }

    // MARK: - Attribute and item access (jinja2's sandboxed getattr/getitem)

    /// `value.name`: a Python attribute (method) if there is one, else the item, else undefined.
    func attribute(_ name: String, of value: Value) throws -> Value {
        switch value {
        case .undefined(let undefined):
            throw undefined.error
        case .dict(let dictionary):
            if let method = Methods.lookup(name, on: value) { return method }
            if let found = dictionary[name] { return found }
        case .object(let object):
            if let found = try objectAttribute(name, of: object) { return found }
            if case .namespace = state(of: object) {} else if let method = Methods.lookup(name, on: value) { return method }
        default:
            if let method = Methods.lookup(name, on: value) { return method }
        }
        return .undefined(missingAttribute(name, of: value))
    }

    /// `value[key]`: the item if there is one, else (for string keys) the attribute, else undefined.
    func item(_ key: Value, of value: Value) throws -> Value {
        switch value {
        case .undefined(let undefined):
            throw undefined.error
        case .dict(let dictionary):
            if let found = try? dictionary.value(for: key) { return found }
        case .list(let items), .tuple(let items):
            if let index = key.integer, let found = element(items, index) { return found }
        case .string(let text), .markup(let text):
            if let index = key.integer {
                let scalars = Array(text.unicodeScalars)
                if let found = element(scalars, index) {
                    let character = String(found)
                    return value.isMarkup ? .markup(character) : .string(character)
                }
            }
        case .object(let object):
            if case .view(let items, let kind) = state(of: object), kind.isSubscriptable, let index = key.integer,
               let found = element(items, index) {
                return found
            }
        default:
            break
        }
        if let name = key.text { return try attribute(name, of: value) }
        return .undefined(missingElement(key, of: value))
    }

    private func element<T>(_ items: [T], _ index: Int) -> T? {
        let position = index < 0 ? items.count + index : index
        return items.indices.contains(position) ? items[position] : nil
    }

    private func objectAttribute(_ name: String, of object: TemplateObject) throws -> Value? {
        switch state(of: object) {
        case .namespace(let attributes):
            return attributes[name]
        case .loop(let loop):
            let index0 = loop.index0, count = loop.items.count
            switch name {
            case "index": return .int(index0 + 1)
            case "index0": return .int(index0)
            case "revindex": return .int(count - index0)
            case "revindex0": return .int(count - index0 - 1)
            case "first": return .bool(index0 == 0)
            case "last": return .bool(index0 == count - 1)
            case "length": return .int(count)
            case "depth": return .int(1)
            case "depth0": return .int(0)
            case "previtem":
                return index0 > 0 ? loop.items[index0 - 1] : .undefined(Undefined("there is no previous item"))
            case "nextitem":
                return index0 + 1 < count ? loop.items[index0 + 1] : .undefined(Undefined("there is no next item"))
            case "cycle", "changed":
                return .callable(Callable(kind: .method(receiver: .object(object), name: name)))
            default: return nil
            }
        case .cycler(let items, let position):
            switch name {
            case "current": return items.isEmpty ? .undefined(Undefined("empty cycler")) : items[position % items.count]
            case "next", "reset": return .callable(Callable(kind: .method(receiver: .object(object), name: name)))
            default: return nil
            }
        default:
            return nil
        }
    }

    /// jinja2's message for a missing attribute: `'dict object' has no attribute 'x'`.
    func missingAttribute(_ name: String, of value: Value) -> Undefined {
        if case .none = value { return Undefined("'None' has no attribute '\(name)'") }
        return Undefined("'\(objectTypeName(value)) object' has no attribute \(PythonText.repr(name))")
    }

    /// jinja2's message for a missing element: `list object has no element 5`.
    func missingElement(_ key: Value, of value: Value) -> Undefined {
        let subject = if case .none = value { "None" } else { "\(objectTypeName(value)) object" }
        return Undefined("\(subject) has no element \((try? repr(key)) ?? "?")")
    }

    /// The qualified Python class name jinja2 prints in messages.
    func objectTypeName(_ value: Value) -> String {
        switch value {
        case .markup: return "markupsafe.Markup"
        case .callable(let callable):
            if case .macro = callable.kind { return "jinja2.runtime.Macro" }
            if case .joiner = callable.kind { return "jinja2.utils.Joiner" }
            return value.typeName
        case .object(let object):
            switch state(of: object) {
            case .namespace: return "jinja2.utils.Namespace"
            case .loop: return "jinja2.runtime.LoopContext"
            case .iterator(_, _, let typeName): return typeName
            case .view(_, let kind): return kind.typeName
            case .macro: return "jinja2.runtime.Macro"
            case .cycler: return "jinja2.utils.Cycler"
            case .joiner: return "jinja2.utils.Joiner"
            }
        default:
            return value.typeName
        }
    }

    /// `type(value).__name__`: the class name without its module.
    func shortTypeName(_ value: Value) -> String {
        String(objectTypeName(value).split(separator: ".").last ?? "object")
    }

    // MARK: - Slicing

    func slice(_ value: Value, start: Value, stop: Value, step: Value) throws -> Value {
        func index(_ bound: Value) throws -> Int? {
            switch bound {
            case .none: return nil
            case .int(let number): return number
            case .bool(let flag): return flag ? 1 : 0
            case .undefined(let undefined): throw undefined.error
            default: throw TemplateError.type("slice indices must be integers or None or have an __index__ method")
            }
        }
        let step = try index(step) ?? 1
        let start = try index(start), stop = try index(stop)
        switch value {
        case .undefined(let undefined):
            throw undefined.error
        case .list(let items):
            return .list(try Evaluator.slice(items, start, stop, step))
        case .tuple(let items):
            return .tuple(try Evaluator.slice(items, start, stop, step))
        case .string(let text):
            return .string(PythonText.string(try Evaluator.slice(Array(text.unicodeScalars), start, stop, step)))
        case .markup(let text):
            return .markup(PythonText.string(try Evaluator.slice(Array(text.unicodeScalars), start, stop, step)))
        case .object(let object):
            if case .view(let items, let kind) = state(of: object), kind.isSubscriptable {
                return .list(try Evaluator.slice(items, start, stop, step))
            }
        default:
            break
        }
        return .undefined(Undefined("\(objectTypeName(value)) object has no element slice"))
    }

    /// Python's slice semantics (PySlice_AdjustIndices).
    static func slice<T>(_ items: [T], _ start: Int?, _ stop: Int?, _ step: Int) throws -> [T] {
        guard step != 0 else { throw TemplateError.value("slice step cannot be zero") }
        let count = items.count
        func clamp(_ bound: Int?, _ defaultValue: Int, low: Int, high: Int) -> Int {
            guard var bound else { return defaultValue }
            if bound < 0 {
                bound += count
                if bound < 0 { bound = low }
            } else if bound > high {
                bound = high
            }
            return bound
        }
        var result: [T] = []
        if step > 0 {
            let first = clamp(start, 0, low: 0, high: count)
            let end = clamp(stop, count, low: 0, high: count)
            var index = first
            while index < end {
                result.append(items[index])
                index += step
            }
        } else {
            let first = clamp(start, count - 1, low: -1, high: count - 1)
            let end = clamp(stop, -1, low: -1, high: count - 1)
            var index = first
            while index > end {
                result.append(items[index])
                index += step
            }
        }
        return result
    }

    // MARK: - Calls

    func call(_ function: Value, _ arguments: EvaluatedArguments, caller: Value? = nil) throws -> Value {
        guard case .callable(let callable) = function else {
            if case .undefined(let undefined) = function { throw undefined.error }
            throw TemplateError.type("'\(function.typeName)' object is not callable")
        }
        switch callable.kind {
        case .global(let global):
            return try Globals.call(global, arguments, evaluator: self)
        case .method(let receiver, let name):
            return try Methods.call(name, on: receiver, arguments, evaluator: self)
        case .macro(let object):
            return try callMacro(object, arguments, caller: caller)
        case .joiner(let object):
            guard case .joiner(let separator, let used) = state(of: object) else { return .string("") }
            update(object, .joiner(separator: separator, used: true))
            return used ? separator : .string("")
        }
    }
}

extension Value {
    var isMarkup: Bool {
        if case .markup = self { return true }
        return false
    }
}
