/// Python methods templates call on values: `content.strip()`, `text.split('\n')`, `message.get('x')`,
/// `loop.cycle('a', 'b')`. Methods that would mutate a list or dict are refused, as jinja2's immutable
/// sandbox (which transformers uses) refuses them.
enum Methods {
    static let stringMethods: Set<String> = [
        "strip", "lstrip", "rstrip", "startswith", "endswith", "split", "rsplit", "splitlines", "upper", "lower",
        "title", "capitalize", "swapcase", "casefold", "replace", "find", "rfind", "index", "rindex", "count", "join",
        "isdigit", "isalpha", "isspace", "isalnum", "islower", "isupper", "isnumeric", "isdecimal", "istitle",
        "zfill", "center", "ljust", "rjust", "removeprefix", "removesuffix", "partition", "rpartition", "format",
    ]
    static let dictMethods: Set<String> = ["items", "keys", "values", "get", "copy"]
    static let dictMutators: Set<String> = ["clear", "pop", "popitem", "setdefault", "update"]
    static let listMethods: Set<String> = ["count", "index", "copy"]
    static let listMutators: Set<String> = ["append", "clear", "pop", "reverse", "insert", "sort", "extend", "remove"]

    /// The attribute `name` of `value` as Python has it (a bound method, mostly), or nil if it has none.
    static func lookup(_ name: String, on value: Value) -> Value? {
        func method() -> Value { .callable(Callable(kind: .method(receiver: value, name: name))) }
        switch value {
        case .string, .markup:
            return stringMethods.contains(name) ? method() : nil
        case .dict:
            if dictMethods.contains(name) { return method() }
            if dictMutators.contains(name) { return unsafe(name, "dict") }
            return nil
        case .list:
            if listMethods.contains(name) { return method() }
            if listMutators.contains(name) { return unsafe(name, "list") }
            return nil
        case .tuple(let items):
            if name == "count" || name == "index" { return method() }
            // groupby's items are namedtuples: (grouper, list) with those attribute names.
            if items.count == 2, case .list = items[1] {
                if name == "grouper" { return items[0] }
                if name == "list" { return items[1] }
            }
            return nil
        default:
            return nil
        }
    }

    private static func unsafe(_ name: String, _ type: String) -> Value {
        .undefined(Undefined("access to attribute '\(name)' of '\(type)' object is unsafe.", errorKind: .security))
    }

    static func call(_ name: String, on receiver: Value, _ arguments: EvaluatedArguments, evaluator e: Evaluator) throws -> Value {
        switch receiver {
        case .string(let text), .markup(let text):
            return try StringMethods.call(name, on: text, markup: receiver.isMarkup, arguments, evaluator: e)
        case .dict(let dictionary):
            switch name {
            case "items":
                try Signature("items").bind(arguments)
                return e.view(dictionary.pairs.map { .tuple([$0.key, $0.value]) }, .dictItems)
            case "keys":
                try Signature("keys").bind(arguments)
                return e.view(dictionary.keys, .dictKeys)
            case "values":
                try Signature("values").bind(arguments)
                return e.view(dictionary.values, .dictValues)
            case "get":
                guard (1...2).contains(arguments.positional.count), arguments.keywords.isEmpty else {
                    throw TemplateError.type("get expected 1 or 2 arguments, got \(arguments.positional.count)")
                }
                return try dictionary.value(for: arguments.positional[0]) ?? (arguments.positional.count > 1 ? arguments.positional[1] : .none)
            case "copy":
                return receiver
            default:
                break
            }
        case .list(let items), .tuple(let items):
            switch name {
            case "count":
                guard arguments.positional.count == 1 else { throw TemplateError.type("count() takes exactly one argument") }
                return .int(try items.filter { try Operators.equal($0, arguments.positional[0], evaluator: e) }.count)
            case "index":
                guard let needle = arguments.positional.first else { throw TemplateError.type("index expected at least 1 argument, got 0") }
                if let position = try items.firstIndex(where: { try Operators.equal($0, needle, evaluator: e) }) { return .int(position) }
                throw TemplateError.value("\((try? e.repr(needle)) ?? "value") is not in \(receiver.typeName)")
            case "copy":
                return receiver
            default:
                break
            }
        case .object(let object):
            return try objectMethod(name, object, arguments, evaluator: e)
        default:
            break
        }
        throw TemplateError.type("'\(receiver.typeName)' object has no method '\(name)'")
    }

    private static func objectMethod(_ name: String, _ object: TemplateObject, _ arguments: EvaluatedArguments, evaluator e: Evaluator) throws -> Value {
        switch (e.state(of: object), name) {
        case (.loop(let loop), "cycle"):
            guard !arguments.positional.isEmpty else { throw TemplateError.type("no items for cycling given") }
            return arguments.positional[loop.index0 % arguments.positional.count]
        case (.loop(var loop), "changed"):
            let values = arguments.positional
            let changed: Bool
            if let last = loop.lastChanged {
                changed = try !Operators.equal(.tuple(last), .tuple(values), evaluator: e)
            } else {
                changed = true
            }
            if changed {
                loop.lastChanged = values
                e.update(object, .loop(loop))
            }
            return .bool(changed)
        case (.cycler(let items, let position), "next"):
            guard !items.isEmpty else { throw TemplateError.value("empty cycler") }
            e.update(object, .cycler(items: items, position: (position + 1) % items.count))
            return items[position % items.count]
        case (.cycler(let items, _), "reset"):
            e.update(object, .cycler(items: items, position: 0))
            return .none
        default:
            throw TemplateError.type("'\(e.shortTypeName(.object(object)))' object has no method '\(name)'")
        }
    }
}
