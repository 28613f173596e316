import TextFormats

/// jinja2's filters over sequences and mappings. Like jinja2, `map`, `select`, `reject`, `selectattr`,
/// `rejectattr`, `unique`, `batch`, `slice`, `items` and `reverse` return one-shot generators: always truthy,
/// no length, exhausted by one pass (so `|list` is needed to reuse or measure them).
enum SequenceFilters {
    static func apply(_ name: String, to value: Value, _ arguments: EvaluatedArguments, evaluator e: Evaluator) throws -> Value {
        switch name {
        case "length", "count":
            try Signature(name).bind(arguments)
            return .int(try e.length(of: value))
        case "list":
            try Signature("list").bind(arguments)
            return .list(try e.iterate(value))
        case "first":
            try Signature("first").bind(arguments)
            return try first(value, evaluator: e)
        case "last":
            try Signature("last").bind(arguments)
            guard let items = try reversible(value, evaluator: e) else {
                throw TemplateError.type("'\(e.shortTypeName(value))' object is not reversible")
            }
            return items.last ?? .undefined(Undefined("No last item, sequence was empty."))
        case "join":
            let bound = try Signature("join", "d", "attribute").bind(arguments)
            let separator = try bound.string("d", default: "", evaluator: e)
            var items = try e.iterate(value)
            if let attribute = bound["attribute"] {
                let getter = try AttributeGetter(attribute, evaluator: e)
                items = try items.map { try getter.get($0) }
            }
            let joined = try items.map { try e.str($0) }.joined(separator: separator)
            try e.checkLength(joined)
            return .string(joined)
        case "map":
            return try map(value, arguments, evaluator: e)
        case "select", "reject", "selectattr", "rejectattr":
            return try select(value, arguments, byAttribute: name.hasSuffix("attr"), keep: name.hasPrefix("select"), evaluator: e)
        case "sort":
            let bound = try Signature("sort", "reverse", "case_sensitive", "attribute").bind(arguments)
            let getter = try AttributeGetter(bound["attribute"], ignoreCase: !(try bound.bool("case_sensitive", default: false)),
                                             evaluator: e, multiple: true)
            return .list(try sorted(try e.iterate(value), key: getter.get, reverse: try bound.bool("reverse", default: false), evaluator: e))
        case "unique":
            let bound = try Signature("unique", "case_sensitive", "attribute").bind(arguments)
            let getter = try AttributeGetter(bound["attribute"], ignoreCase: !(try bound.bool("case_sensitive", default: false)), evaluator: e)
            var seen = Set<DictionaryKey>()
            var unique: [Value] = []
            for item in try e.iterate(value) where seen.insert(try DictionaryKey(try getter.get(item))).inserted {
                unique.append(item)
            }
            return e.generator(unique)
        case "reverse":
            try Signature("reverse").bind(arguments)
            if let text = value.text { return Filters.same(value, PythonText.string(text.unicodeScalars.reversed())) }
            if let items = try reversible(value, evaluator: e) {
                let typeName = switch value {
                case .list: "list_reverseiterator"
                case .dict: "dict_reversekeyiterator"
                case .object: "range_iterator"
                default: "reversed"
                }
                return e.generator(items.reversed(), typeName: typeName)
            }
            return .list(try e.iterate(value).reversed())
        case "dictsort":
            return try dictsort(value, try Signature("dictsort", "case_sensitive", "by", "reverse").bind(arguments), evaluator: e)
        case "items":
            try Signature("items").bind(arguments)
            switch value {
            case .undefined: return e.generator([])
            case .dict(let dictionary): return e.generator(dictionary.pairs.map { .tuple([$0.key, $0.value]) })
            default: throw TemplateError.type("Can only get item pairs from a mapping.")
            }
        case "batch":
            let bound = try Signature("batch", "linecount", "fill_with").bind(arguments)
            let size = try bound.int("linecount", default: 1)
            guard size > 0 else { throw TemplateError.value("batch size must be positive") }
            var batches: [Value] = []
            var current: [Value] = []
            for item in try e.iterate(value) {
                if current.count == size {
                    batches.append(.list(current))
                    current = []
                }
                current.append(item)
            }
            if !current.isEmpty {
                if let fill = bound["fill_with"], current.count < size {
                    current += Array(repeating: fill, count: size - current.count)
                }
                batches.append(.list(current))
            }
            return e.generator(batches)
        case "slice":
            let bound = try Signature("slice", "slices", "fill_with").bind(arguments)
            let slices = try bound.int("slices", default: 1)
            guard slices > 0 else { throw TemplateError(.zeroDivision, "integer division or modulo by zero") }
            let items = try e.iterate(value)
            let perSlice = items.count / slices, withExtra = items.count % slices
            var offset = 0
            var result: [Value] = []
            for number in 0..<slices {
                let start = offset + number * perSlice
                if number < withExtra { offset += 1 }
                let end = offset + (number + 1) * perSlice
                var part = Array(items[min(start, items.count)..<min(max(end, start), items.count)])
                if let fill = bound["fill_with"], number >= withExtra { part.append(fill) }
                result.append(.list(part))
            }
            return e.generator(result)
        case "sum":
            let bound = try Signature("sum", "attribute", "start").bind(arguments)
            var total = bound.given("start") ?? .int(0)
            var items = try e.iterate(value)
            if let attribute = bound["attribute"] {
                let getter = try AttributeGetter(attribute, evaluator: e)
                items = try items.map { try getter.get($0) }
            }
            if total.text != nil { throw TemplateError.type("sum() can't sum strings [use ''.join(seq) instead]") }
            for item in items { total = try Operators.binary(.add, total, item, evaluator: e) }
            return total
        case "min", "max":
            let bound = try Signature(name, "case_sensitive", "attribute").bind(arguments)
            let items = try e.iterate(value)
            guard var best = items.first else { return .undefined(Undefined("No aggregated item, sequence was empty.")) }
            let getter = try AttributeGetter(bound["attribute"], ignoreCase: !(try bound.bool("case_sensitive", default: false)), evaluator: e)
            var bestKey = try getter.get(best)
            for item in items.dropFirst() {
                let key = try getter.get(item)
                let better = name == "min"
                    ? (try Operators.order(.less, key, bestKey, evaluator: e) ?? 0) < 0
                    : (try Operators.order(.greater, key, bestKey, evaluator: e) ?? 0) > 0
                if better {
                    best = item
                    bestKey = key
                }
            }
            return best
        case "groupby":
            return try groupby(value, try Signature("groupby", "attribute", "default", "case_sensitive").bind(arguments), evaluator: e)
        default:
            if Filters.unsupported.contains(name) {
                throw TemplateError(.unsupported, "the '\(name)' filter is not supported in chat templates here")
            }
            throw TemplateError(.runtime, "No filter named '\(name)' found.")
        }
    }

    private static func first(_ value: Value, evaluator: Evaluator) throws -> Value {
        if case .object(let object) = value, case .iterator(let items, let position, let typeName) = evaluator.state(of: object) {
            // A generator gives up only the item taken.
            guard position < items.count else { return .undefined(Undefined("No first item, sequence was empty.")) }
            evaluator.update(object, .iterator(items: items, position: position + 1, typeName: typeName))
            return items[position]
        }
        return try evaluator.iterate(value).first ?? .undefined(Undefined("No first item, sequence was empty."))
    }

    /// The items of a value Python can `reversed()`, or nil for generators (which cannot be).
    private static func reversible(_ value: Value, evaluator: Evaluator) throws -> [Value]? {
        if case .object(let object) = value, case .iterator = evaluator.state(of: object) { return nil }
        return try evaluator.iterate(value)
    }

    private static func map(_ value: Value, _ arguments: EvaluatedArguments, evaluator e: Evaluator) throws -> Value {
        guard try e.truthy(value) else { return e.generator([]) }
        let items = try e.iterate(value)
        if arguments.positional.isEmpty, let attribute = arguments.keyword("attribute") {
            if let unexpected = arguments.keywords.first(where: { $0.name != "attribute" && $0.name != "default" }) {
                throw TemplateError(.filterArgument, "Unexpected keyword argument '\(unexpected.name)'")
            }
            let getter = try AttributeGetter(attribute, defaultValue: arguments.keyword("default"), evaluator: e)
            return e.generator(try items.map { try getter.get($0) })
        }
        guard let filterName = arguments.positional.first else {
            throw TemplateError(.filterArgument, "map requires a filter argument")
        }
        let name = try e.str(filterName)
        let rest = EvaluatedArguments(positional: Array(arguments.positional.dropFirst()), keywords: arguments.keywords)
        return e.generator(try items.map { try Filters.apply(name, to: $0, rest, evaluator: e) })
    }

    private static func select(_ value: Value, _ arguments: EvaluatedArguments, byAttribute: Bool, keep: Bool,
                               evaluator e: Evaluator) throws -> Value {
        guard try e.truthy(value) else { return e.generator([]) }
        var rest = arguments.positional
        var getter: AttributeGetter?
        if byAttribute {
            guard !rest.isEmpty else { throw TemplateError(.filterArgument, "Missing parameter for attribute name") }
            getter = try AttributeGetter(rest.removeFirst(), evaluator: e)
        }
        let testName = try rest.first.map { try e.str($0) }
        let testArguments = EvaluatedArguments(positional: Array(rest.dropFirst()), keywords: arguments.keywords)
        var selected: [Value] = []
        for item in try e.iterate(value) {
            let subject = try getter?.get(item) ?? item
            let passed = try testName.map { try Tests.apply($0, to: subject, testArguments, evaluator: e) } ?? e.truthy(subject)
            if passed == keep { selected.append(item) }
        }
        return e.generator(selected)
    }

    /// Python's `sorted(items, key=…, reverse=…)`: stable, and equal items keep their order even reversed.
    static func sorted(_ items: [Value], key: (Value) throws -> Value, reverse: Bool, evaluator: Evaluator) throws -> [Value] {
        let keyed = try items.enumerated().map { (index: $0.offset, key: try key($0.element), item: $0.element) }
        var failure: Error?
        let ordered = keyed.sorted { a, b in
            guard failure == nil else { return false }
            do {
                let ordering = try Operators.order(.less, reverse ? b.key : a.key, reverse ? a.key : b.key, evaluator: evaluator) ?? 0
                if ordering != 0 { return ordering < 0 }
                return a.index < b.index
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return ordered.map(\.item)
    }

    private static func dictsort(_ value: Value, _ bound: BoundArguments, evaluator e: Evaluator) throws -> Value {
        guard case .dict(let dictionary) = value else {
            if case .undefined(let undefined) = value { throw undefined.error }
            throw TemplateError(.type, "'\(value.typeName)' object has no attribute 'items'")
        }
        let by = try bound.string("by", default: "key", evaluator: e)
        guard by == "key" || by == "value" else {
            throw TemplateError(.filterArgument, "You can only sort by either \"key\" or \"value\"")
        }
        let caseSensitive = try bound.bool("case_sensitive", default: false)
        let pairs: [Value] = dictionary.pairs.map { .tuple([$0.key, $0.value]) }
        let position = by == "key" ? 0 : 1
        return .list(try sorted(pairs, key: { pair in
            let part = pair.elements?[position] ?? .none
            return caseSensitive ? part : AttributeGetter.lowercased(part)
        }, reverse: try bound.bool("reverse", default: false), evaluator: e))
    }

    private static func groupby(_ value: Value, _ bound: BoundArguments, evaluator e: Evaluator) throws -> Value {
        guard let attribute = bound.given("attribute") else { throw TemplateError.type("groupby() missing required argument 'attribute'") }
        let caseSensitive = try bound.bool("case_sensitive", default: false)
        let keyGetter = try AttributeGetter(attribute, ignoreCase: !caseSensitive, defaultValue: bound["default"], evaluator: e)
        let outputGetter = try AttributeGetter(attribute, defaultValue: bound["default"], evaluator: e)
        let items = try sorted(try e.iterate(value), key: keyGetter.get, reverse: false, evaluator: e)
        var groups: [Value] = []
        var currentKey: Value?
        var members: [Value] = []
        func close() throws {
            guard let first = members.first else { return }
            groups.append(.tuple([try outputGetter.get(first), .list(members)]))
        }
        for item in items {
            let key = try keyGetter.get(item)
            if let currentKey, try Operators.equal(currentKey, key, evaluator: e) {
                members.append(item)
            } else {
                try close()
                currentKey = key
                members = [item]
            }
        }
        try close()
        return .list(groups)
    }
}

/// jinja2's `make_attrgetter`: `"a.b.0"` looks up `item["a"]["b"][0]` with template item rules; optionally
/// several comma-separated paths, lowercasing strings, or a default for undefined results.
struct AttributeGetter {
    private let paths: [[Value]]
    private let multiple: Bool
    private let ignoreCase: Bool
    private let defaultValue: Value?
    private let evaluator: Evaluator

    init(_ attribute: Value?, ignoreCase: Bool = false, defaultValue: Value? = nil, evaluator: Evaluator, multiple: Bool = false) throws {
        self.ignoreCase = ignoreCase
        self.defaultValue = defaultValue
        self.evaluator = evaluator
        self.multiple = multiple
        func parts(_ path: String) -> [Value] {
            path.split(separator: ".", omittingEmptySubsequences: false).map { part in
                part.allSatisfy { $0.isASCII && $0.isNumber } && !part.isEmpty ? .int(Int(part) ?? 0) : .string(String(part))
            }
        }
        switch attribute {
        case nil, .none?: paths = [[]]
        case .string(let path)?, .markup(let path)?:
            paths = multiple ? path.split(separator: ",", omittingEmptySubsequences: false).map { parts(String($0)) } : [parts(path)]
        case let other?: paths = [[other]]
        }
    }

    func get(_ item: Value) throws -> Value {
        let values = try paths.map { path -> Value in
            var current = item
            for part in path {
                current = try evaluator.item(part, of: current)
                if let defaultValue, current.isUndefined { current = defaultValue }
            }
            return ignoreCase ? AttributeGetter.lowercased(current) : current
        }
        return multiple && values.count > 1 ? .list(values) : values[0]
    }

    static func lowercased(_ value: Value) -> Value {
        switch value {
        case .string(let text): .string(PythonText.lower(text))
        case .markup(let text): .markup(PythonText.lower(text))
        default: value
        }
    }
}
