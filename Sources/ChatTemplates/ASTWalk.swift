/// Visits every expression of a statement tree, telling the visitor whether it sits in a "soft" position —
/// directly inside an `{% if %}` or an inline `a if b else c`, where jinja2 defers unknown-filter errors to
/// run time (so a template may guard a filter it is not sure exists).
struct ASTWalk {
    typealias Visitor = (_ expression: Expression, _ soft: Bool) throws -> Void

    let visit: Visitor

    func walk(_ statements: [Statement], soft: Bool) throws {
        for statement in statements { try walk(statement, soft: soft) }
    }

    private func walk(_ statement: Statement, soft: Bool) throws {
        switch statement.kind {
        case .text, .breakLoop, .continueLoop:
            break
        case .output(let expressions):
            for expression in expressions { try walk(expression, soft: soft) }
        case .ifChain(let branches, let otherwise):
            for branch in branches {
                try walk(branch.condition, soft: true)
                try walk(branch.body, soft: true)
            }
            try walk(otherwise, soft: true)
        case .forLoop(let loop):
            try walk(loop.iterable, soft: soft)
            if let condition = loop.condition { try walk(condition, soft: false) }
            try walk(loop.body, soft: false)
            try walk(loop.otherwise, soft: false)
        case .set(_, let value):
            try walk(value, soft: soft)
        case .setBlock(_, let filters, let body):
            try walk(filters, soft: soft)
            try walk(body, soft: false)
        case .macro(let macro):
            try walk(macro, soft: soft)
        case .callBlock(let call, let caller):
            try walk(call, soft: soft)
            try walk(caller, soft: soft)
        case .filterBlock(let filters, let body):
            try walk(filters, soft: soft)
            try walk(body, soft: false)
        case .with(let assignments, let body):
            for assignment in assignments { try walk(assignment.value, soft: soft) }
            try walk(body, soft: false)
        case .generation(let body):
            try walk(body, soft: false)
        }
    }

    private func walk(_ macro: MacroDefinition, soft: Bool) throws {
        for parameter in macro.parameters {
            if let value = parameter.defaultValue { try walk(value, soft: false) }
        }
        try walk(macro.body, soft: false)
    }

    private func walk(_ filters: [FilterCall], soft: Bool) throws {
        for filter in filters { try walk(filter.arguments, soft: soft) }
    }

    private func walk(_ arguments: Arguments, soft: Bool) throws {
        for expression in arguments.positional { try walk(expression, soft: soft) }
        for keyword in arguments.keywords { try walk(keyword.value, soft: soft) }
        if let splat = arguments.splat { try walk(splat, soft: soft) }
        if let splat = arguments.keywordSplat { try walk(splat, soft: soft) }
    }

    func walk(_ expression: Expression, soft: Bool) throws {
        try visit(expression, soft)
        switch expression.kind {
        case .literal, .name:
            break
        case .list(let items), .tuple(let items), .concat(let items):
            for item in items { try walk(item, soft: soft) }
        case .dict(let pairs):
            for pair in pairs {
                try walk(pair.key, soft: soft)
                try walk(pair.value, soft: soft)
            }
        case .attribute(let base, _):
            try walk(base, soft: soft)
        case .item(let base, let key):
            try walk(base, soft: soft)
            try walk(key, soft: soft)
        case .slice(let base, let start, let stop, let step):
            for part in [base, start, stop, step] { if let part { try walk(part, soft: soft) } }
        case .call(let callee, let arguments):
            try walk(callee, soft: soft)
            try walk(arguments, soft: soft)
        case .filter(let base, let filter):
            try walk(base, soft: soft)
            try walk(filter.arguments, soft: soft)
        case .test(let base, _, let arguments, _):
            try walk(base, soft: soft)
            try walk(arguments, soft: soft)
        case .negate(let operand), .plus(let operand), .not(let operand):
            try walk(operand, soft: soft)
        case .binary(_, let left, let right), .and(let left, let right), .or(let left, let right):
            try walk(left, soft: soft)
            try walk(right, soft: soft)
        case .compare(let first, let rest):
            try walk(first, soft: soft)
            for (_, operand) in rest { try walk(operand, soft: soft) }
        case .conditional(let then, let condition, let otherwise):
            try walk(then, soft: true)
            try walk(condition, soft: true)
            if let otherwise { try walk(otherwise, soft: true) }
        }
    }
}

/// The variable names an expression tree reads (jinja2 lets a macro take extra arguments only when its body
/// reads `varargs` or `kwargs`).
enum NameCollector {
    static func names(in statements: [Statement]) -> Set<String> {
        var names = Set<String>()
        let walker = ASTWalk { expression, _ in
            if case .name(let name) = expression.kind { names.insert(name) }
        }
        try? walker.walk(statements, soft: false)
        return names
    }
}

/// Rejects filter and test names jinja2 does not know, as jinja2 does when it compiles a template — except in
/// soft positions, where the error waits until the filter actually runs.
enum NameValidator {
    static func validate(_ statements: [Statement]) throws {
        let walker = ASTWalk { expression, soft in
            guard !soft else { return }
            switch expression.kind {
            case .filter(_, let filter) where !Filters.jinjaNames.contains(filter.name):
                throw TemplateError(.unknownName, "No filter named '\(filter.name)'.", offset: filter.offset)
            case .test(_, let name, _, _) where !Tests.jinjaNames.contains(name):
                throw TemplateError(.unknownName, "No test named '\(name)'.", offset: expression.offset)
            default:
                break
            }
        }
        try walker.walk(statements, soft: false)
        // Filter blocks and set-block filters sit outside expressions.
        try validateStatementFilters(statements, soft: false)
    }

    private static func validateStatementFilters(_ statements: [Statement], soft: Bool) throws {
        for statement in statements {
            switch statement.kind {
            case .filterBlock(let filters, let body), .setBlock(_, let filters, let body):
                if !soft, let unknown = filters.first(where: { !Filters.jinjaNames.contains($0.name) }) {
                    throw TemplateError(.unknownName, "No filter named '\(unknown.name)'.", offset: unknown.offset)
                }
                try validateStatementFilters(body, soft: false)
            case .ifChain(let branches, let otherwise):
                for branch in branches { try validateStatementFilters(branch.body, soft: true) }
                try validateStatementFilters(otherwise, soft: true)
            case .forLoop(let loop):
                try validateStatementFilters(loop.body, soft: false)
                try validateStatementFilters(loop.otherwise, soft: false)
            case .macro(let macro):
                try validateStatementFilters(macro.body, soft: false)
            case .callBlock(_, let caller):
                try validateStatementFilters(caller.body, soft: false)
            case .with(_, let body), .generation(let body):
                try validateStatementFilters(body, soft: false)
            default:
                break
            }
        }
    }
}
