/// Builds the statement tree from tokens, following jinja2's grammar (parser.py) rule for rule so that
/// precedence and scoping decisions match: filters bind tighter than arithmetic, `-x|f` is `(-x)|f`,
/// `not a is b` is `not (a is b)`, `for … if …` filters before the loop, and so on.
struct Parser {
    /// Deepest nesting of brackets, unary operators and blocks the parser accepts. jinja2 itself stops at
    /// Python's recursion limit; a bound keeps a hostile template from exhausting the stack.
    static let maximumNesting = 64

    private let tokens: [Token]
    private let lines: LineTable
    private var index = 0
    private var nesting = 0
    /// The end tags each open block is waiting for, innermost last, with the tag that opened it.
    private var openBlocks: [(tag: String, offset: Int, endTags: [String])] = []
    private var loopDepth = 0
    /// Where the `{%` of the statement being parsed is: statements and open blocks are reported there.
    private var tagStart = 0

    static func parse(_ tokens: [Token], lines: LineTable) throws -> [Statement] {
        var parser = Parser(tokens: tokens, lines: lines)
        let body = try parser.subparse(until: nil)
        if case .end = parser.current.kind {} else {
            throw parser.unknownTag(parser.current)
        }
        return body
    }

    private init(tokens: [Token], lines: LineTable) {
        self.tokens = tokens
        self.lines = lines
    }

    // MARK: - Token stream

    var current: Token { tokens[min(index, tokens.count - 1)] }
    private var next: Token { tokens[min(index + 1, tokens.count - 1)] }

    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func isName(_ name: String, _ token: Token? = nil) -> Bool {
        if case .name(let value) = (token ?? current).kind { return value == name }
        return false
    }

    private func isOperator(_ op: Operator) -> Bool {
        if case .op(let value) = current.kind { return value == op }
        return false
    }

    private mutating func skipOperator(_ op: Operator) -> Bool {
        guard isOperator(op) else { return false }
        advance()
        return true
    }

    private mutating func skipName(_ name: String) -> Bool {
        guard isName(name) else { return false }
        advance()
        return true
    }

    private mutating func expectOperator(_ op: Operator) throws {
        guard skipOperator(op) else { throw unexpected(expected: "'\(op.rawValue)'") }
    }

    private mutating func expectName(_ name: String) throws {
        guard skipName(name) else { throw unexpected(expected: "'\(name)'") }
    }

    private mutating func expectIdentifier() throws -> String {
        guard case .name(let name) = current.kind else { throw unexpected(expected: "a name") }
        advance()
        return name
    }

    private mutating func expectBlockEnd() throws {
        guard case .blockEnd = current.kind else { throw unexpected(expected: "end of statement block '%}'") }
        advance()
    }

    static func describe(_ token: Token) -> String {
        switch token.kind {
        case .data: "template text"
        case .variableBegin: "'{{'"
        case .variableEnd: "end of print statement '}}'"
        case .blockBegin: "'{%'"
        case .blockEnd: "end of statement block '%}'"
        case .name(let name): "'\(name)'"
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .op(let op): "'\(op.rawValue)'"
        case .end: "end of template"
        }
    }

    private func unexpected(expected: String) -> TemplateError {
        if case .end = current.kind {
            return endOfTemplate(expecting: expected)
        }
        return .syntax("expected \(expected), got \(Parser.describe(current))", at: current.offset)
    }

    private func place(_ offset: Int) -> String { lines.location(of: offset).description }

    private func endOfTemplate(expecting expected: String? = nil) -> TemplateError {
        var message = "unexpected end of template"
        if let expected { message += ", expected \(expected)" }
        if let open = openBlocks.last {
            let tags = open.endTags.map { "'\($0)'" }.joined(separator: " or ")
            message += "; the '\(open.tag)' block opened at \(place(open.offset)) needs \(tags)"
        }
        return .syntax(message, at: current.offset)
    }

    private func unknownTag(_ token: Token) -> TemplateError {
        guard case .name(let name) = token.kind else {
            return .syntax("expected a tag name, got \(Parser.describe(token))", at: token.offset)
        }
        var message = "unknown tag '\(name)'"
        if let open = openBlocks.last {
            let tags = open.endTags.map { "'\($0)'" }.joined(separator: " or ")
            let expectedSomewhere = openBlocks.contains { $0.endTags.contains(name) }
            message += expectedSomewhere ? " (a nesting mistake?)" : ""
            message += "; the '\(open.tag)' block opened at \(place(open.offset)) needs \(tags)"
        }
        return .syntax(message, at: token.offset)
    }

    private mutating func enterNesting(at offset: Int) throws {
        nesting += 1
        if nesting > Parser.maximumNesting {
            throw TemplateError(.limit, "template nests more than \(Parser.maximumNesting) levels deep", offset: offset)
        }
    }

    private mutating func leaveNesting() { nesting -= 1 }

    // MARK: - Statements

    private mutating func subparse(until endTags: [String]?) throws -> [Statement] {
        var body: [Statement] = []
        while true {
            let token = current
            switch token.kind {
            case .end:
                return body
            case .data(let text):
                body.append(Statement(kind: .text(text), offset: token.offset))
                advance()
            case .variableBegin:
                advance()
                let expression = try parseTuple()
                guard case .variableEnd = current.kind else {
                    throw unexpected(expected: "end of print statement '}}'")
                }
                advance()
                body.append(Statement(kind: .output([expression]), offset: token.offset))
            case .blockBegin:
                tagStart = token.offset
                advance()
                if let endTags, case .name(let name) = current.kind, endTags.contains(name) {
                    return body
                }
                let statement = try parseStatement()
                try expectBlockEnd()
                body.append(statement)
            default:
                throw TemplateError.syntax("unexpected \(Parser.describe(token))", at: token.offset)
            }
        }
    }

    /// The body of a block up to one of `endTags`; leaves the end tag's name as the current token.
    private mutating func parseBody(of tag: String, at offset: Int, until endTags: [String], dropEndTag: Bool = false) throws -> [Statement] {
        _ = skipOperator(.colon)
        try expectBlockEnd()
        try enterNesting(at: offset)
        openBlocks.append((tag, offset, endTags))
        let body = try subparse(until: endTags)
        openBlocks.removeLast()
        leaveNesting()
        if case .end = current.kind {
            openBlocks.append((tag, offset, endTags))
            throw endOfTemplate()
        }
        if dropEndTag { advance() }
        return body
    }

    private mutating func parseStatement() throws -> Statement {
        let token = current
        let start = tagStart
        guard case .name(let tag) = token.kind else {
            throw TemplateError.syntax("expected a tag name, got \(Parser.describe(token))", at: token.offset)
        }
        switch tag {
        case "if": return try parseIf()
        case "for": return try parseFor()
        case "set": return try parseSet()
        case "macro": return try parseMacro()
        case "call": return try parseCallBlock()
        case "filter": return try parseFilterBlock()
        case "with": return try parseWith()
        case "print":
            advance()
            var expressions: [Expression] = []
            while !isBlockEnd {
                if !expressions.isEmpty { try expectOperator(.comma) }
                expressions.append(try parseExpression())
            }
            return Statement(kind: .output(expressions), offset: start)
        case "generation":
            advance()
            let body = try parseBody(of: tag, at: start, until: ["endgeneration"], dropEndTag: true)
            return Statement(kind: .generation(body), offset: start)
        case "break", "continue":
            guard loopDepth > 0 else {
                throw TemplateError.syntax("'\(tag)' outside of a for loop", at: token.offset)
            }
            advance()
            return Statement(kind: tag == "break" ? .breakLoop : .continueLoop, offset: start)
        case "include", "import", "from", "extends", "block", "autoescape":
            throw TemplateError(.unsupported,
                                "the '\(tag)' tag is not supported in chat templates (they are rendered standalone)",
                                offset: token.offset)
        default:
            throw unknownTag(token)
        }
    }

    private var isBlockEnd: Bool {
        if case .blockEnd = current.kind { return true }
        return false
    }

    private mutating func parseIf() throws -> Statement {
        let start = tagStart
        advance()
        var branches: [(condition: Expression, body: [Statement])] = []
        var otherwise: [Statement] = []
        while true {
            let condition = try parseTuple(withCondition: false)
            let body = try parseBody(of: "if", at: start, until: ["elif", "else", "endif"])
            branches.append((condition, body))
            let endTag = current
            advance()
            if isName("elif", endTag) { continue }
            if isName("else", endTag) {
                otherwise = try parseBody(of: "if", at: start, until: ["endif"], dropEndTag: true)
            }
            break
        }
        return Statement(kind: .ifChain(branches, otherwise: otherwise), offset: start)
    }

    private mutating func parseFor() throws -> Statement {
        let start = tagStart
        advance()
        let target = try parseAssignTarget(extraEnd: ["in"])
        try expectName("in")
        let iterable = try parseTuple(withCondition: false, extraEnd: ["recursive"])
        var condition: Expression?
        if skipName("if") { condition = try parseExpression() }
        if isName("recursive") {
            throw TemplateError(.unsupported, "recursive for loops are not supported", offset: current.offset)
        }
        loopDepth += 1
        let body = try parseBody(of: "for", at: start, until: ["endfor", "else"])
        loopDepth -= 1
        let endTag = current
        advance()
        var otherwise: [Statement] = []
        if isName("else", endTag) {
            otherwise = try parseBody(of: "for", at: start, until: ["endfor"], dropEndTag: true)
        }
        let loop = ForLoop(target: target, iterable: iterable, condition: condition, body: body, otherwise: otherwise)
        return Statement(kind: .forLoop(loop), offset: start)
    }

    private mutating func parseSet() throws -> Statement {
        let start = tagStart
        advance()
        let target = try parseAssignTarget(allowNamespace: true)
        if skipOperator(.assign) {
            return Statement(kind: .set(target, try parseTuple()), offset: start)
        }
        var filters: [FilterCall] = []
        while isOperator(.pipe) {
            advance()
            filters.append(try parseFilterCall())
        }
        let savedLoopDepth = loopDepth
        loopDepth = 0
        defer { loopDepth = savedLoopDepth }
        let body = try parseBody(of: "set", at: start, until: ["endset"], dropEndTag: true)
        return Statement(kind: .setBlock(target, filters: filters, body: body), offset: start)
    }

    private mutating func parseWith() throws -> Statement {
        let start = tagStart
        advance()
        var assignments: [(target: AssignTarget, value: Expression)] = []
        while !isBlockEnd {
            if !assignments.isEmpty { try expectOperator(.comma) }
            let target = try parseAssignTarget()
            try expectOperator(.assign)
            assignments.append((target, try parseExpression()))
        }
        let body = try parseBody(of: "with", at: start, until: ["endwith"], dropEndTag: true)
        return Statement(kind: .with(assignments, body: body), offset: start)
    }

    private mutating func parseFilterBlock() throws -> Statement {
        let start = tagStart
        advance()
        var filters = [try parseFilterCall()]
        while isOperator(.pipe) {
            advance()
            filters.append(try parseFilterCall())
        }
        let body = try parseBody(of: "filter", at: start, until: ["endfilter"], dropEndTag: true)
        return Statement(kind: .filterBlock(filters, body: body), offset: start)
    }

    private mutating func parseMacro() throws -> Statement {
        let start = tagStart
        advance()
        let name = try expectIdentifier()
        let parameters = try parseSignature()
        let savedLoopDepth = loopDepth
        loopDepth = 0
        defer { loopDepth = savedLoopDepth }
        let body = try parseBody(of: "macro", at: start, until: ["endmacro"], dropEndTag: true)
        return Statement(kind: .macro(Parser.macro(name, parameters, body)), offset: start)
    }

    private mutating func parseCallBlock() throws -> Statement {
        let start = tagStart
        advance()
        let parameters = isOperator(.leftParen) ? try parseSignature() : []
        let call = try parseExpression()
        guard case .call = call.kind else { throw TemplateError.syntax("expected a macro call after 'call'", at: call.offset) }
        let savedLoopDepth = loopDepth
        loopDepth = 0
        defer { loopDepth = savedLoopDepth }
        let body = try parseBody(of: "call", at: start, until: ["endcall"], dropEndTag: true)
        return Statement(kind: .callBlock(call: call, caller: Parser.macro("caller", parameters, body)), offset: start)
    }

    private static func macro(_ name: String, _ parameters: [Parameter], _ body: [Statement]) -> MacroDefinition {
        let used = NameCollector.names(in: body)
        return MacroDefinition(name: name, parameters: parameters, body: body, usesCaller: used.contains("caller"),
                               usesVarargs: used.contains("varargs"), usesKwargs: used.contains("kwargs"))
    }

    private mutating func parseSignature() throws -> [Parameter] {
        try expectOperator(.leftParen)
        var parameters: [Parameter] = []
        while !isOperator(.rightParen) {
            if !parameters.isEmpty { try expectOperator(.comma) }
            let offset = current.offset
            let name = try expectIdentifier()
            if skipOperator(.assign) {
                parameters.append(Parameter(name: name, defaultValue: try parseExpression()))
            } else {
                if parameters.contains(where: { $0.defaultValue != nil }) {
                    throw TemplateError.syntax("non-default argument follows default argument", at: offset)
                }
                parameters.append(Parameter(name: name, defaultValue: nil))
            }
        }
        try expectOperator(.rightParen)
        return parameters
    }

    /// `name`, `a, b`, `(a, b)`, or with `allowNamespace` `ns.attribute`.
    private mutating func parseAssignTarget(extraEnd: [String] = [], allowNamespace: Bool = false) throws -> AssignTarget {
        var targets: [AssignTarget] = []
        var isTuple = false
        while true {
            if !targets.isEmpty { try expectOperator(.comma) }
            if isTupleEnd(extraEnd) { break }
            targets.append(try parseAssignPrimary(allowNamespace: allowNamespace))
            if isOperator(.comma) { isTuple = true } else { break }
        }
        if !isTuple, let single = targets.first { return single }
        if targets.isEmpty { throw unexpected(expected: "an assignment target") }
        return .tuple(targets)
    }

    private mutating func parseAssignPrimary(allowNamespace: Bool) throws -> AssignTarget {
        let token = current
        switch token.kind {
        case .name(let name) where !["true", "false", "True", "False", "none", "None"].contains(name):
            advance()
            if allowNamespace, skipOperator(.dot) {
                return .namespaceAttribute(name, try expectIdentifier())
            }
            return .name(name)
        case .op(.leftParen):
            advance()
            try enterNesting(at: token.offset)
            defer { leaveNesting() }
            let target = try parseAssignTarget(allowNamespace: allowNamespace)
            try expectOperator(.rightParen)
            return target
        default:
            throw TemplateError.syntax("cannot assign to \(Parser.describe(token))", at: token.offset)
        }
    }

    private func isTupleEnd(_ extraEnd: [String]) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .op(.rightParen): return true
        case .name(let name): return extraEnd.contains(name)
        default: return false
        }
    }

    // MARK: - Expressions

    /// A comma-separated list becomes a tuple; a single expression stays itself.
    mutating func parseTuple(withCondition: Bool = true, extraEnd: [String] = [], explicitParentheses: Bool = false) throws -> Expression {
        let start = current.offset
        var items: [Expression] = []
        var isTuple = false
        while true {
            if !items.isEmpty { try expectOperator(.comma) }
            if isTupleEnd(extraEnd) { break }
            items.append(withCondition ? try parseExpression() : try parseOr())
            if isOperator(.comma) { isTuple = true } else { break }
        }
        if !isTuple {
            if let single = items.first { return single }
            if !explicitParentheses {
                throw TemplateError.syntax("expected an expression, got \(Parser.describe(current))", at: current.offset)
            }
        }
        return try node(.tuple(items), at: start)
    }

    mutating func parseExpression() throws -> Expression {
        try enterNesting(at: current.offset)
        defer { leaveNesting() }
        var expression = try parseOr()
        while isName("if") {
            let offset = current.offset
            advance()
            let condition = try parseOr()
            let otherwise = skipName("else") ? try parseExpression() : nil
            expression = try node(.conditional(then: expression, condition: condition, otherwise: otherwise), at: offset)
        }
        return expression
    }

    private mutating func parseOr() throws -> Expression {
        var left = try parseAnd()
        while isName("or") {
            let offset = current.offset
            advance()
            left = try node(.or(left, try parseAnd()), at: offset)
        }
        return left
    }

    private mutating func parseAnd() throws -> Expression {
        var left = try parseNot()
        while isName("and") {
            let offset = current.offset
            advance()
            left = try node(.and(left, try parseNot()), at: offset)
        }
        return left
    }

    private mutating func parseNot() throws -> Expression {
        guard isName("not") else { return try parseCompare() }
        let offset = current.offset
        advance()
        try enterNesting(at: offset)
        defer { leaveNesting() }
        return try node(.not(try parseNot()), at: offset)
    }

    private mutating func parseCompare() throws -> Expression {
        let start = current.offset
        let first = try parseMath1()
        var operations: [(CompareOperator, Expression)] = []
        while true {
            let op: CompareOperator
            switch current.kind {
            case .op(.equal): op = .equal
            case .op(.notEqual): op = .notEqual
            case .op(.less): op = .less
            case .op(.lessEqual): op = .lessEqual
            case .op(.greater): op = .greater
            case .op(.greaterEqual): op = .greaterEqual
            case .name("in"): op = .contains
            case .name("not") where isName("in", next):
                advance()
                op = .notContains
            default:
                return operations.isEmpty ? first : try node(.compare(first, operations), at: start)
            }
            advance()
            operations.append((op, try parseMath1()))
        }
    }

    private mutating func parseMath1() throws -> Expression {
        var left = try parseConcat()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .op(.add): op = .add
            case .op(.sub): op = .subtract
            default: return left
            }
            let offset = current.offset
            advance()
            left = try node(.binary(op, left, try parseConcat()), at: offset)
        }
    }

    private mutating func parseConcat() throws -> Expression {
        let start = current.offset
        var parts = [try parseMath2()]
        while skipOperator(.tilde) { parts.append(try parseMath2()) }
        return parts.count == 1 ? parts[0] : try node(.concat(parts), at: start)
    }

    private mutating func parseMath2() throws -> Expression {
        var left = try parsePower()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .op(.mul): op = .multiply
            case .op(.div): op = .divide
            case .op(.floorDiv): op = .floorDivide
            case .op(.mod): op = .modulo
            default: return left
            }
            let offset = current.offset
            advance()
            left = try node(.binary(op, left, try parsePower()), at: offset)
        }
    }

    private mutating func parsePower() throws -> Expression {
        var left = try parseUnary()
        while isOperator(.pow) {
            let offset = current.offset
            advance()
            left = try node(.binary(.power, left, try parseUnary()), at: offset)
        }
        return left
    }

    private mutating func parseUnary(withFilters: Bool = true) throws -> Expression {
        let token = current
        var expression: Expression
        if isOperator(.sub) || isOperator(.add) {
            advance()
            try enterNesting(at: token.offset)
            let operand = try parseUnary(withFilters: false)
            leaveNesting()
            expression = try node(token.kind == .op(.sub) ? .negate(operand) : .plus(operand), at: token.offset)
        } else {
            expression = try parsePrimary()
        }
        expression = try parsePostfix(expression)
        if withFilters { expression = try parseFilterExpression(expression) }
        return expression
    }

    private mutating func parsePrimary() throws -> Expression {
        let token = current
        switch token.kind {
        case .name(let name):
            advance()
            switch name {
            case "true", "True": return Expression(kind: .literal(.bool(true)), offset: token.offset)
            case "false", "False": return Expression(kind: .literal(.bool(false)), offset: token.offset)
            case "none", "None": return Expression(kind: .literal(.none), offset: token.offset)
            default: return Expression(kind: .name(name), offset: token.offset)
            }
        case .string(var text):
            advance()
            while case .string(let more) = current.kind {
                text += more
                advance()
            }
            return Expression(kind: .literal(.string(text)), offset: token.offset)
        case .integer(let value):
            advance()
            return Expression(kind: .literal(.int(value)), offset: token.offset)
        case .float(let value):
            advance()
            return Expression(kind: .literal(.float(value)), offset: token.offset)
        case .op(.leftParen):
            advance()
            let inner = try parseTuple(explicitParentheses: true)
            try expectOperator(.rightParen)
            return inner
        case .op(.leftBracket):
            advance()
            var items: [Expression] = []
            while !isOperator(.rightBracket) {
                if !items.isEmpty { try expectOperator(.comma) }
                if isOperator(.rightBracket) { break }
                items.append(try parseExpression())
            }
            try expectOperator(.rightBracket)
            return try node(.list(items), at: token.offset)
        case .op(.leftBrace):
            advance()
            var pairs: [(key: Expression, value: Expression)] = []
            while !isOperator(.rightBrace) {
                if !pairs.isEmpty { try expectOperator(.comma) }
                if isOperator(.rightBrace) { break }
                let key = try parseExpression()
                try expectOperator(.colon)
                pairs.append((key, try parseExpression()))
            }
            try expectOperator(.rightBrace)
            return try node(.dict(pairs), at: token.offset)
        case .end:
            throw endOfTemplate(expecting: "an expression")
        default:
            throw TemplateError.syntax("unexpected \(Parser.describe(token))", at: token.offset)
        }
    }

    private mutating func parsePostfix(_ base: Expression) throws -> Expression {
        var expression = base
        while true {
            if isOperator(.dot) || isOperator(.leftBracket) {
                expression = try parseSubscript(expression)
            } else if isOperator(.leftParen) {
                expression = try node(.call(expression, try parseArguments()), at: expression.offset)
            } else {
                return expression
            }
        }
    }

    private mutating func parseFilterExpression(_ base: Expression) throws -> Expression {
        var expression = base
        while true {
            if isOperator(.pipe) {
                advance()
                expression = try node(.filter(expression, try parseFilterCall()), at: expression.offset)
            } else if isName("is") {
                expression = try parseTest(expression)
            } else if isOperator(.leftParen) {
                expression = try node(.call(expression, try parseArguments()), at: expression.offset)
            } else {
                return expression
            }
        }
    }

    private mutating func parseSubscript(_ base: Expression) throws -> Expression {
        let token = current
        advance()
        if case .op(.dot) = token.kind {
            let attribute = current
            advance()
            switch attribute.kind {
            case .name(let name): return try node(.attribute(base, name), at: token.offset)
            case .integer(let value):
                return try node(.item(base, Expression(kind: .literal(.int(value)), offset: attribute.offset)), at: token.offset)
            default: throw TemplateError.syntax("expected a name or number after '.'", at: attribute.offset)
            }
        }
        var subscripts: [Expression] = []
        var slice: (start: Expression?, stop: Expression?, step: Expression?)?
        while !isOperator(.rightBracket) {
            if !subscripts.isEmpty || slice != nil { try expectOperator(.comma) }
            switch try parseSubscribed() {
            case .expression(let expression) where slice == nil:
                subscripts.append(expression)
            case .slice(let start, let stop, let step) where slice == nil && subscripts.isEmpty:
                slice = (start, stop, step)
            default:
                throw TemplateError(.unsupported, "tuples of slices are not supported", offset: token.offset)
            }
        }
        try expectOperator(.rightBracket)
        if let slice {
            return try node(.slice(base, start: slice.start, stop: slice.stop, step: slice.step), at: token.offset)
        }
        guard !subscripts.isEmpty else { throw TemplateError.syntax("expected a subscript expression", at: token.offset) }
        let key = subscripts.count == 1 ? subscripts[0] : try node(.tuple(subscripts), at: token.offset)
        return try node(.item(base, key), at: token.offset)
    }

    private enum Subscribed {
        case expression(Expression)
        case slice(Expression?, Expression?, Expression?)
    }

    /// One subscript: an expression, or a slice `a:b:c` with every part optional (jinja2's parse_subscribed).
    private mutating func parseSubscribed() throws -> Subscribed {
        var start: Expression?
        if skipOperator(.colon) {
            start = nil
        } else {
            let expression = try parseExpression()
            guard skipOperator(.colon) else { return .expression(expression) }
            start = expression
        }
        var stop: Expression?
        if !isOperator(.colon), !isOperator(.rightBracket), !isOperator(.comma) { stop = try parseExpression() }
        var step: Expression?
        if skipOperator(.colon), !isOperator(.rightBracket), !isOperator(.comma) { step = try parseExpression() }
        return .slice(start, stop, step)
    }

    private mutating func parseArguments() throws -> Arguments {
        let open = current.offset
        try expectOperator(.leftParen)
        var arguments = Arguments()
        var needsComma = false
        func ensure(_ condition: Bool) throws {
            guard condition else { throw TemplateError.syntax("invalid syntax for function call expression", at: open) }
        }
        while !isOperator(.rightParen) {
            if needsComma {
                try expectOperator(.comma)
                if isOperator(.rightParen) { break }
            }
            if isOperator(.mul) {
                try ensure(arguments.splat == nil && arguments.keywordSplat == nil)
                advance()
                arguments.splat = try parseExpression()
            } else if isOperator(.pow) {
                try ensure(arguments.keywordSplat == nil)
                advance()
                arguments.keywordSplat = try parseExpression()
            } else if case .name(let name) = current.kind, case .op(.assign) = next.kind {
                try ensure(arguments.keywordSplat == nil)
                advance()
                advance()
                arguments.keywords.append((name, try parseExpression()))
            } else {
                try ensure(arguments.splat == nil && arguments.keywordSplat == nil && arguments.keywords.isEmpty)
                arguments.positional.append(try parseExpression())
            }
            needsComma = true
        }
        try expectOperator(.rightParen)
        return arguments
    }

    private mutating func parseFilterCall() throws -> FilterCall {
        let offset = current.offset
        var name = try expectIdentifier()
        while skipOperator(.dot) { name += "." + (try expectIdentifier()) }
        let arguments = isOperator(.leftParen) ? try parseArguments() : .none
        return FilterCall(name: name, arguments: arguments, offset: offset)
    }

    private mutating func parseTest(_ base: Expression) throws -> Expression {
        let offset = current.offset
        advance()  // `is`
        let negated = skipName("not")
        var name = try expectIdentifier()
        while skipOperator(.dot) { name += "." + (try expectIdentifier()) }
        var arguments = Arguments()
        if isOperator(.leftParen) {
            arguments = try parseArguments()
        } else {
            let startsArgument: Bool = switch current.kind {
            case .name(let word): !["else", "or", "and"].contains(word)
            case .string, .integer, .float, .op(.leftParen), .op(.leftBracket), .op(.leftBrace): true
            default: false
            }
            if startsArgument {
                if isName("is") { throw TemplateError.syntax("tests cannot be chained with 'is'", at: current.offset) }
                arguments.positional = [try parsePostfix(try parsePrimary())]
            }
        }
        return try node(.test(base, name: name, arguments, negated: negated), at: offset)
    }

    /// Builds a node, refusing chains so long (`a|f|f|…`, `1+1+…`) that evaluating them would exhaust the stack.
    private func node(_ kind: Expression.Kind, at offset: Int) throws -> Expression {
        let expression = Expression(kind: kind, offset: offset)
        guard expression.height <= Expression.maximumHeight else {
            throw TemplateError(.limit, "expression nests more than \(Expression.maximumHeight) operations deep", offset: offset)
        }
        return expression
    }
}
