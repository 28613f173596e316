/// The global functions templates can call: jinja2's `range`, `dict`, `namespace`, `cycler`, `joiner`, and
/// transformers' `raise_exception` and `strftime_now`.
enum Globals {
    /// jinja2's sandbox refuses ranges longer than this (`MAX_RANGE`).
    static let maximumRange = 100_000

    static func call(_ function: GlobalFunction, _ arguments: EvaluatedArguments, evaluator e: Evaluator) throws -> Value {
        switch function {
        case .range:
            return try range(arguments, evaluator: e)
        case .dict:
            let dictionary = Value.dict(try mapping(arguments, function: "dict", evaluator: e))
            try e.checkDepth(dictionary)
            return dictionary
        case .namespace:
            return .object(e.allocate(.namespace(try mapping(arguments, function: "namespace", evaluator: e))))
        case .cycler:
            guard arguments.keywords.isEmpty else { throw TemplateError.type("cycler() takes no keyword arguments") }
            guard !arguments.positional.isEmpty else { throw TemplateError.type("at least one item has to be provided") }
            return .object(e.allocate(.cycler(items: arguments.positional, position: 0)))
        case .joiner:
            let bound = try Signature("joiner", "sep").bind(arguments)
            let joiner = e.allocate(.joiner(separator: bound.given("sep") ?? .string(", "), used: false))
            return .callable(Callable(kind: .joiner(joiner)))
        case .lipsum:
            throw TemplateError(.unsupported, "lipsum() is not supported in chat templates here")
        case .raiseException:
            let message = try arguments.positional.first.map { try e.str($0) } ?? ""
            throw TemplateError(.raised, message)
        case .strftimeNow:
            let bound = try Signature("strftime_now", "format").bind(arguments)
            guard let format = bound.given("format")?.text else {
                throw TemplateError.type("strftime() argument 1 must be str")
            }
            return .string(Strftime.format(format, e.clock.now))
        }
    }

    private static func range(_ arguments: EvaluatedArguments, evaluator e: Evaluator) throws -> Value {
        if let keyword = arguments.keywords.first {
            throw TemplateError.type("safe_range() got an unexpected keyword argument '\(keyword.name)'")
        }
        let numbers = try arguments.positional.map { value -> Int in
            if case .undefined(let undefined) = value { throw undefined.error }
            guard let number = value.integer else {
                throw TemplateError.type("'\(value.typeName)' object cannot be interpreted as an integer")
            }
            return number
        }
        let start: Int, stop: Int, step: Int
        switch numbers.count {
        case 1: (start, stop, step) = (0, numbers[0], 1)
        case 2: (start, stop, step) = (numbers[0], numbers[1], 1)
        case 3: (start, stop, step) = (numbers[0], numbers[1], numbers[2])
        case 0: throw TemplateError.type("range expected at least 1 argument, got 0")
        default: throw TemplateError.type("range expected at most 3 arguments, got \(numbers.count)")
        }
        guard step != 0 else { throw TemplateError.value("range() arg 3 must not be zero") }
        let (span, overflow) = stop.subtractingReportingOverflow(start)
        let count: Int
        if overflow {
            count = .max
        } else if step > 0 {
            count = span <= 0 ? 0 : (span - 1) / step + 1
        } else {
            count = span >= 0 ? 0 : (-(span + 1)) / (-step) + 1
        }
        guard count <= maximumRange else {
            throw TemplateError(.overflow, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(maximumRange)).")
        }
        let items = (0..<count).map { Value.int(start + $0 * step) }
        let repr = step == 1 ? "range(\(start), \(stop))" : "range(\(start), \(stop), \(step))"
        return e.view(items, .range(repr))
    }

    /// `dict(...)` / `namespace(...)` arguments: an optional mapping or iterable of pairs, then keywords.
    private static func mapping(_ arguments: EvaluatedArguments, function: String, evaluator e: Evaluator) throws -> ValueDictionary {
        guard arguments.positional.count <= 1 else {
            throw TemplateError.type("\(function) expected at most 1 argument, got \(arguments.positional.count)")
        }
        var result = ValueDictionary()
        if let source = arguments.positional.first {
            switch source {
            case .dict(let dictionary):
                result = dictionary
            default:
                for (index, pair) in try e.iterate(source).enumerated() {
                    let parts = try e.iterate(pair)
                    guard parts.count == 2 else {
                        throw TemplateError.value(
                            "dictionary update sequence element #\(index) has length \(parts.count); 2 is required")
                    }
                    try result.set(parts[0], parts[1])
                }
            }
        }
        for keyword in arguments.keywords { try result.set(.string(keyword.name), keyword.value) }
        return result
    }
}
