/// Guards against runaway templates. jinja2's sandbox only limits `range` (to 100,000 items); these bound
/// everything else a hostile or buggy template could do to a shared machine.
public struct RenderLimits: Sendable, Equatable {
    /// Loop iterations plus macro calls over the whole rendering.
    public var maximumSteps: Int
    /// Nested macro calls (recursion depth).
    public var maximumCallDepth: Int
    /// Length in UTF-8 bytes of the output and of any single string built along the way.
    public var maximumStringBytes: Int
    /// Items in any single list built along the way (`[x] * n`, `range`).
    public var maximumItems: Int
    /// Nesting of values built, printed, compared or serialised (`{% set ns.x = [ns.x] %}` in a loop nests).
    public var maximumValueDepth: Int
    /// Nodes visited while printing, comparing or serialising values over the whole rendering. Values share
    /// parts (`[x, x]`), so a loop can build one whose tree is astronomically large in little memory.
    public var maximumValueSteps: Int

    public init(maximumSteps: Int = 2_000_000, maximumCallDepth: Int = 48, maximumStringBytes: Int = 64 << 20,
                maximumItems: Int = 4_000_000, maximumValueDepth: Int = 96, maximumValueSteps: Int = 20_000_000) {
        self.maximumSteps = maximumSteps
        self.maximumCallDepth = maximumCallDepth
        self.maximumStringBytes = maximumStringBytes
        self.maximumItems = maximumItems
        self.maximumValueDepth = maximumValueDepth
        self.maximumValueSteps = maximumValueSteps
    }
}

/// Variables visible at one point of a template. A for-loop iteration, macro call or `with` block gets a
/// child scope, so `set` inside it does not leak out (jinja2's scoping rule); `if` blocks share their scope.
final class Scope {
    private var variables: [String: Value]
    let parent: Scope?

    init(parent: Scope?, variables: [String: Value] = [:]) {
        self.parent = parent
        self.variables = variables
    }

    func lookup(_ name: String) -> Value? {
        var scope: Scope? = self
        while let current = scope {
            if let value = current.variables[name] { return value }
            scope = current.parent
        }
        return nil
    }

    func assign(_ name: String, _ value: Value) { variables[name] = value }
}

/// The state of a live object; values refer to it by ``TemplateObject`` id.
enum ObjectState {
    case namespace(ValueDictionary)
    case loop(LoopState)
    /// A one-shot iterator: jinja2's `map`, `select`, … return generators, which are always truthy, have no
    /// length and are exhausted by one pass.
    case iterator(items: [Value], position: Int, typeName: String)
    /// A reusable view with a length: `range(…)`, `dict.items()`, `dict.keys()`, `dict.values()`.
    case view(items: [Value], kind: ViewKind)
    case macro(MacroState)
    case cycler(items: [Value], position: Int)
    case joiner(separator: Value, used: Bool)
}

enum ViewKind {
    /// A range, with its repr (`range(0, 3)`); ranges can be indexed and sliced.
    case range(String)
    case dictItems, dictKeys, dictValues

    var typeName: String {
        switch self {
        case .range: "range"
        case .dictItems: "dict_items"
        case .dictKeys: "dict_keys"
        case .dictValues: "dict_values"
        }
    }

    var isSubscriptable: Bool {
        if case .range = self { return true }
        return false
    }
}

struct LoopState {
    var items: [Value]
    var index0: Int
    var lastChanged: [Value]?
}

struct MacroState {
    var definition: MacroDefinition
    /// Where the macro was defined: its free variables resolve there at call time.
    var scope: Scope
    /// The `caller` a `{% call %}` block passes.
    var caller: Value?
}

/// Control flow out of a statement list.
enum Flow {
    case normal, breakLoop, continueLoop
}

/// Executes a parsed template for one rendering. Not reused: its objects and output die with the render.
final class Evaluator {
    let limits: RenderLimits
    let clock: TemplateClock
    var objects: [ObjectState] = []
    private var output = ""
    private var steps = 0
    private var valueSteps = 0
    private var callDepth = 0

    init(limits: RenderLimits, clock: TemplateClock) {
        self.limits = limits
        self.clock = clock
    }

    private static let globals = Dictionary(uniqueKeysWithValues: GlobalFunction.allCases.map {
        ($0.rawValue, Value.callable(Callable(kind: .global($0))))
    })

    func render(_ statements: [Statement], context: [String: Value]) throws -> String {
        let root = Scope(parent: Scope(parent: nil, variables: Evaluator.globals), variables: context)
        _ = try execute(statements, in: root)
        return output
    }

    // MARK: - Objects

    func allocate(_ state: ObjectState) -> TemplateObject {
        objects.append(state)
        return TemplateObject(id: objects.count - 1)
    }

    func state(of object: TemplateObject) -> ObjectState { objects[object.id] }

    func update(_ object: TemplateObject, _ state: ObjectState) { objects[object.id] = state }

    /// Counts one unit of work (a loop iteration, a macro call) against the limit.
    func step() throws {
        steps += 1
        if steps > limits.maximumSteps {
            throw TemplateError.limit("the template ran more than \(limits.maximumSteps) loop iterations and macro calls")
        }
    }

    /// Counts one node of a walk over a value (printing, comparing, serialising, checking depth) at `depth`.
    func enterValue(depth: Int) throws {
        valueSteps += 1
        if valueSteps > limits.maximumValueSteps {
            throw TemplateError.limit("values took more than \(limits.maximumValueSteps) steps to walk (a value built from itself, like [x, x] in a loop?)")
        }
        if depth >= limits.maximumValueDepth {
            throw TemplateError.limit("values nest more than \(limits.maximumValueDepth) levels deep")
        }
    }

    func checkLength(_ text: String) throws {
        if text.utf8.count > limits.maximumStringBytes {
            throw TemplateError.limit("a string grew beyond \(limits.maximumStringBytes) bytes")
        }
    }

    /// Refuses values nested deeper than the limit where they are built: printing, comparing — and even
    /// freeing — a value recurses once per level, so depth must be bounded before it can exhaust the stack.
    /// Only literals, `dict()` and the filters in `Filters.nesting` can add a level, so they check.
    func checkDepth(_ value: Value, depth: Int = 0) throws {
        let children: [Value]
        switch value {
        case .list(let items), .tuple(let items):
            children = items
        case .dict(let dictionary):
            children = dictionary.keys + dictionary.values
        case .object(let object):
            // A generator's items are values too (`ns.x = ns.x|batch(1)` in a loop nests them).
            switch state(of: object) {
            case .iterator(let items, _, _), .view(let items, _): children = items
            default: return
            }
        default:
            return
        }
        try enterValue(depth: depth)
        for child in children { try checkDepth(child, depth: depth + 1) }
    }

    func checkCount(_ count: Int) throws {
        if count > limits.maximumItems {
            throw TemplateError.limit("a list grew beyond \(limits.maximumItems) items")
        }
    }

    // MARK: - Output capture

    private func write(_ text: String) throws {
        output += text
        if output.utf8.count > limits.maximumStringBytes {
            throw TemplateError.limit("the output grew beyond \(limits.maximumStringBytes) bytes")
        }
    }

    /// Runs `body` with output going to a fresh buffer and returns what it wrote.
    func capture(_ body: () throws -> Flow) throws -> String {
        let saved = output
        output = ""
        defer { output = saved }
        _ = try body()
        return output
    }

    // MARK: - Statements

    func execute(_ statements: [Statement], in scope: Scope) throws -> Flow {
        for statement in statements {
            let flow = try locating(statement.offset) { try execute(statement, in: scope) }
            if flow != .normal { return flow }
        }
        return .normal
    }

    /// Attaches `offset` to errors thrown without a location.
    func locating<T>(_ offset: Int, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as TemplateError {
            if error.offset == nil { error.offset = offset }
            throw error
        }
    }

    private func execute(_ statement: Statement, in scope: Scope) throws -> Flow {
        switch statement.kind {
        case .text(let text):
            try write(text)
        case .output(let expressions):
            for expression in expressions { try write(str(try evaluate(expression, in: scope))) }
        case .ifChain(let branches, let otherwise):
            for branch in branches where try truthy(try evaluate(branch.condition, in: scope)) {
                return try execute(branch.body, in: scope)
            }
            return try execute(otherwise, in: scope)
        case .forLoop(let loop):
            try executeFor(loop, in: scope)
        case .set(let target, let expression):
            try assign(try evaluate(expression, in: scope), to: target, in: scope)
        case .setBlock(let target, let filters, let body):
            var value = Value.string(try capture { try execute(body, in: Scope(parent: scope)) })
            for filter in filters { value = try applyFilter(filter, to: value, in: scope) }
            try assign(value, to: target, in: scope)
        case .macro(let definition):
            let macro = allocate(.macro(MacroState(definition: definition, scope: scope, caller: nil)))
            scope.assign(definition.name, .callable(Callable(kind: .macro(macro))))
        case .callBlock(let call, let caller):
            let callerObject = allocate(.macro(MacroState(definition: caller, scope: scope, caller: nil)))
            guard case .call(let callee, let arguments) = call.kind else { return .normal }
            let function = try evaluate(callee, in: scope)
            let result = try locating(call.offset) {
                try self.call(function, try evaluateArguments(arguments, in: scope),
                              caller: .callable(Callable(kind: .macro(callerObject))))
            }
            try write(str(result))
        case .filterBlock(let filters, let body):
            var value = Value.string(try capture { try execute(body, in: Scope(parent: scope)) })
            for filter in filters { value = try applyFilter(filter, to: value, in: scope) }
            try write(str(value))
        case .with(let assignments, let body):
            let inner = Scope(parent: scope)
            for assignment in assignments {
                try assign(try evaluate(assignment.value, in: scope), to: assignment.target, in: inner)
            }
            return try execute(body, in: inner)
        case .generation(let body):
            return try execute(body, in: scope)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    private func executeFor(_ loop: ForLoop, in scope: Scope) throws {
        var items = try iterate(try evaluate(loop.iterable, in: scope))
        if let condition = loop.condition {
            items = try items.filter { item in
                let filterScope = Scope(parent: scope)
                try assign(item, to: loop.target, in: filterScope)
                return try truthy(try evaluate(condition, in: filterScope))
            }
        }
        let loopObject = allocate(.loop(LoopState(items: items, index0: 0, lastChanged: nil)))
        // jinja2 runs `else` unless some iteration ran its body to the end (break and continue both skip that).
        var completedAnIteration = false
        for (index, item) in items.enumerated() {
            try step()
            if case .loop(var state) = self.state(of: loopObject) {
                state.index0 = index
                update(loopObject, .loop(state))
            }
            let iterationScope = Scope(parent: scope, variables: ["loop": .object(loopObject)])
            try assign(item, to: loop.target, in: iterationScope)
            let flow = try execute(loop.body, in: iterationScope)
            if flow == .breakLoop { break }
            if flow == .normal { completedAnIteration = true }
        }
        if !completedAnIteration {
            _ = try execute(loop.otherwise, in: Scope(parent: scope))
        }
    }

    func assign(_ value: Value, to target: AssignTarget, in scope: Scope) throws {
        switch target {
        case .name(let name):
            scope.assign(name, value)
        case .namespaceAttribute(let name, let attribute):
            guard case .object(let object)? = scope.lookup(name), case .namespace(var attributes) = state(of: object) else {
                throw TemplateError(.runtime, "cannot assign attribute on non-namespace object")
            }
            try attributes.set(.string(attribute), value)
            update(object, .namespace(attributes))
        case .tuple(let targets):
            let items: [Value]
            switch value {
            case .list, .tuple, .string, .markup, .dict, .object, .undefined:
                items = try iterate(value)
            default:
                throw TemplateError.type("cannot unpack non-iterable \(value.typeName) object")
            }
            guard items.count >= targets.count else {
                throw TemplateError.value("not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            guard items.count == targets.count else {
                throw TemplateError.value("too many values to unpack (expected \(targets.count))")
            }
            for (item, target) in zip(items, targets) { try assign(item, to: target, in: scope) }
        }
    }

    // MARK: - Macros

    /// Calls a macro (or `caller`) with evaluated arguments, binding them as jinja2 does.
    func callMacro(_ object: TemplateObject, _ arguments: EvaluatedArguments, caller: Value?) throws -> Value {
        guard case .macro(let macro) = state(of: object) else { throw TemplateError.type("object is not callable") }
        let definition = macro.definition
        try step()
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > limits.maximumCallDepth {
            throw TemplateError.limit("macros nest more than \(limits.maximumCallDepth) calls deep (runaway recursion?)")
        }
        let scope = Scope(parent: macro.scope)
        let parameters = definition.parameters
        if arguments.positional.count > parameters.count, !definition.usesVarargs {
            throw TemplateError.type("macro '\(definition.name)' takes not more than \(parameters.count) argument(s)")
        }
        var keywords = arguments.keywords
        for (index, parameter) in parameters.enumerated() {
            if index < arguments.positional.count {
                if keywords.contains(where: { $0.name == parameter.name }) {
                    throw TemplateError.type("macro '\(definition.name)' got multiple values for argument '\(parameter.name)'")
                }
                scope.assign(parameter.name, arguments.positional[index])
            } else if let position = keywords.firstIndex(where: { $0.name == parameter.name }) {
                scope.assign(parameter.name, keywords.remove(at: position).value)
            } else if let defaultValue = parameter.defaultValue {
                // Defaults are evaluated at call time and may refer to earlier parameters.
                scope.assign(parameter.name, try evaluate(defaultValue, in: scope))
            } else {
                scope.assign(parameter.name, .undefined(Undefined("parameter '\(parameter.name)' was not provided")))
            }
        }
        if let unexpected = keywords.first, !definition.usesKwargs {
            throw TemplateError.type("macro '\(definition.name)' takes no keyword argument '\(unexpected.name)'")
        }
        if definition.usesVarargs {
            scope.assign("varargs", .tuple(Array(arguments.positional.dropFirst(parameters.count))))
        }
        if definition.usesKwargs {
            var extra = ValueDictionary()
            for keyword in keywords { try extra.set(.string(keyword.name), keyword.value) }
            scope.assign("kwargs", .dict(extra))
        }
        if let caller = caller ?? macro.caller { scope.assign("caller", caller) }
        // Without autoescape (transformers' setting) a macro returns a plain str, not Markup.
        return .string(try capture { try execute(definition.body, in: scope) })
    }
}
