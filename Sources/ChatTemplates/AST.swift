/// The parsed form of a template: statements over expressions, each carrying the byte offset it was parsed
/// from so runtime errors can name a line and column.
struct Expression: Sendable {
    indirect enum Kind: Sendable {
        case literal(Value)
        case name(String)
        case list([Expression])
        case tuple([Expression])
        case dict([(key: Expression, value: Expression)])
        /// `a.b`: jinja2's getattr, which prefers Python attributes (methods) over keys.
        case attribute(Expression, String)
        /// `a[b]`: jinja2's getitem, which prefers keys over attributes.
        case item(Expression, Expression)
        case slice(Expression, start: Expression?, stop: Expression?, step: Expression?)
        case call(Expression, Arguments)
        case filter(Expression, FilterCall)
        case test(Expression, name: String, Arguments, negated: Bool)
        case negate(Expression)
        case plus(Expression)
        case not(Expression)
        case binary(BinaryOperator, Expression, Expression)
        case and(Expression, Expression)
        case or(Expression, Expression)
        /// `a < b <= c`: Python's chained comparison.
        case compare(Expression, [(CompareOperator, Expression)])
        /// `a ~ b ~ c`
        case concat([Expression])
        /// `then if condition else otherwise`; no `else` yields undefined.
        case conditional(then: Expression, condition: Expression, otherwise: Expression?)
    }

    let kind: Kind
    let offset: Int
    /// Levels of nodes below and including this one; bounded so evaluation cannot exhaust the stack.
    let height: Int

    static let maximumHeight = 128

    init(kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
        self.height = 1 + Expression.childHeight(kind)
    }

    private static func childHeight(_ kind: Kind) -> Int {
        func tallest(_ expressions: [Expression?]) -> Int { expressions.reduce(0) { max($0, $1?.height ?? 0) } }
        func tallest(_ arguments: Arguments) -> Int {
            max(tallest(arguments.positional), tallest(arguments.keywords.map(\.value)),
                tallest([arguments.splat, arguments.keywordSplat]))
        }
        switch kind {
        case .literal, .name: return 0
        case .list(let items), .tuple(let items), .concat(let items): return tallest(items)
        case .dict(let pairs): return max(tallest(pairs.map(\.key)), tallest(pairs.map(\.value)))
        case .attribute(let base, _): return base.height
        case .item(let base, let key): return max(base.height, key.height)
        case .slice(let base, let start, let stop, let step): return tallest([base, start, stop, step])
        case .call(let callee, let arguments): return max(callee.height, tallest(arguments))
        case .filter(let base, let filter): return max(base.height, tallest(filter.arguments))
        case .test(let base, _, let arguments, _): return max(base.height, tallest(arguments))
        case .negate(let operand), .plus(let operand), .not(let operand): return operand.height
        case .binary(_, let left, let right), .and(let left, let right), .or(let left, let right):
            return max(left.height, right.height)
        case .compare(let first, let rest): return max(first.height, tallest(rest.map(\.1)))
        case .conditional(let then, let condition, let otherwise): return tallest([then, condition, otherwise])
        }
    }
}

enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**"
}

enum CompareOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case contains = "in", notContains = "not in"
}

/// Arguments at a call site: `f(a, b, key=c, *rest, **more)`.
struct Arguments: Sendable {
    var positional: [Expression] = []
    var keywords: [(name: String, value: Expression)] = []
    var splat: Expression?
    var keywordSplat: Expression?

    static let none = Arguments()
}

struct FilterCall: Sendable {
    var name: String
    var arguments: Arguments
    var offset: Int
}

/// Where `set`, `for` and `with` store values.
indirect enum AssignTarget: Sendable {
    case name(String)
    /// `ns.attribute`: only namespaces can be assigned into.
    case namespaceAttribute(String, String)
    case tuple([AssignTarget])

    var names: [String] {
        switch self {
        case .name(let name): [name]
        case .namespaceAttribute: []
        case .tuple(let targets): targets.flatMap(\.names)
        }
    }
}

struct Parameter: Sendable {
    var name: String
    var defaultValue: Expression?
}

/// A `{% macro %}` or the body of a `{% call %}` block.
struct MacroDefinition: Sendable {
    var name: String
    var parameters: [Parameter]
    var body: [Statement]
    /// Whether the body mentions `caller`, `varargs` or `kwargs` (jinja2 accepts extra arguments only then).
    var usesCaller: Bool
    var usesVarargs: Bool
    var usesKwargs: Bool
}

struct ForLoop: Sendable {
    var target: AssignTarget
    var iterable: Expression
    var condition: Expression?
    var body: [Statement]
    var otherwise: [Statement]
}

struct Statement: Sendable {
    indirect enum Kind: Sendable {
        case text(String)
        case output([Expression])
        case ifChain([(condition: Expression, body: [Statement])], otherwise: [Statement])
        case forLoop(ForLoop)
        case set(AssignTarget, Expression)
        case setBlock(AssignTarget, filters: [FilterCall], body: [Statement])
        case macro(MacroDefinition)
        case callBlock(call: Expression, caller: MacroDefinition)
        case filterBlock([FilterCall], body: [Statement])
        case with([(target: AssignTarget, value: Expression)], body: [Statement])
        /// transformers' `{% generation %}`: marks assistant text for masks; rendering just renders the body.
        case generation([Statement])
        case breakLoop
        case continueLoop
    }

    let kind: Kind
    let offset: Int
}
