/// Binds call arguments to a Python-style parameter list (`trim(value, chars=None)`), with Python's errors for
/// too many, unknown or duplicated arguments.
struct Signature {
    let function: String
    let parameters: [String]

    init(_ function: String, _ parameters: String...) {
        self.function = function
        self.parameters = parameters
    }

    @discardableResult
    func bind(_ arguments: EvaluatedArguments) throws -> BoundArguments {
        guard arguments.positional.count <= parameters.count else {
            throw TemplateError.type(
                "\(function)() takes at most \(parameters.count) argument(s) (\(arguments.positional.count) given)")
        }
        var values = [Value?](repeating: nil, count: parameters.count)
        for (index, value) in arguments.positional.enumerated() { values[index] = value }
        for keyword in arguments.keywords {
            guard let index = parameters.firstIndex(of: keyword.name) else {
                throw TemplateError.type("\(function)() got an unexpected keyword argument '\(keyword.name)'")
            }
            guard values[index] == nil else {
                throw TemplateError.type("\(function)() got multiple values for argument '\(keyword.name)'")
            }
            values[index] = keyword.value
        }
        return BoundArguments(function: function, parameters: parameters, values: values)
    }
}

struct BoundArguments {
    let function: String
    let parameters: [String]
    let values: [Value?]

    /// The argument as given (None included), or nil when not given.
    func given(_ name: String) -> Value? {
        guard let index = parameters.firstIndex(of: name) else { return nil }
        return values[index]
    }

    /// The argument, or nil when not given or given as None (Python's `param=None` defaults).
    subscript(_ name: String) -> Value? {
        guard let index = parameters.firstIndex(of: name), let value = values[index] else { return nil }
        if case .none = value { return nil }
        return value
    }

    func bool(_ name: String, default defaultValue: Bool) throws -> Bool {
        guard let value = self[name] else { return defaultValue }
        return value.isTruthy
    }

    func int(_ name: String, default defaultValue: Int) throws -> Int {
        guard let value = self[name] else { return defaultValue }
        guard let number = value.integer else {
            throw TemplateError.type("\(function)(): '\(name)' must be an integer, not \(value.typeName)")
        }
        return number
    }

    func string(_ name: String, default defaultValue: String, evaluator: Evaluator) throws -> String {
        guard let value = self[name] else { return defaultValue }
        return try evaluator.str(value)
    }
}
