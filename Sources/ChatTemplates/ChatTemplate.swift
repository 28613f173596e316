/// One role-tagged turn of a conversation, as chat templates receive it.
public struct ChatTurn: Sendable, Hashable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    /// The `{"role": …, "content": …}` dict a template iterates over.
    public var value: Value { ["role": .string(role), "content": .string(content)] }
}

/// Options for one rendering.
public struct RenderOptions: Sendable, Equatable {
    /// What `strftime_now` reads.
    public var clock: TemplateClock
    public var limits: RenderLimits

    public init(clock: TemplateClock = .system, limits: RenderLimits = RenderLimits()) {
        self.clock = clock
        self.limits = limits
    }
}

/// A Hugging Face chat template, parsed once and rendered any number of times, exactly as transformers'
/// `apply_chat_template` renders it with jinja2 (sandboxed, `trim_blocks`, `lstrip_blocks`, loop controls,
/// `raise_exception`, `strftime_now`, and transformers' `tojson`).
///
/// ```swift
/// let template = try ChatTemplate(source: source, name: "tokenizer_config.json")
/// let prompt = try template.render(messages: [ChatTurn(role: "user", content: "Hi")],
///                                  addGenerationPrompt: true, bosToken: "<s>", eosToken: "</s>")
/// ```
public struct ChatTemplate: Sendable {
    /// The template text as given.
    public let source: String
    /// The name errors are reported under (a file name, `tokenizer_config.json`, a GGUF key).
    public let name: String
    private let statements: [Statement]
    private let lines: LineTable

    /// Parses `source`; a syntax error, or a filter or test jinja2 does not know, throws with its line and column.
    public init(source: String, name: String = "chat_template") throws(TemplateError) {
        self.source = source
        self.name = name
        let normalized = Lexer.normalizeNewlines(source)
        let lines = LineTable(normalized)
        do {
            let tokens = try Lexer.tokenize(normalized: normalized)
            statements = try Parser.parse(tokens, lines: lines)
            try NameValidator.validate(statements)
            self.lines = lines
        } catch {
            throw ChatTemplate.located(error, lines: lines, name: name)
        }
    }

    /// Renders a conversation with the variables transformers passes: `messages`, `add_generation_prompt`,
    /// `bos_token`, `eos_token`, plus `extra` (for example `tools`, `date_string`, `add_special_tokens`).
    public func render(messages: [ChatTurn], addGenerationPrompt: Bool, bosToken: String, eosToken: String,
                       extra: [String: Value] = [:], options: RenderOptions = RenderOptions()) throws(TemplateError) -> String {
        try render(messages: messages.map(\.value), addGenerationPrompt: addGenerationPrompt, bosToken: bosToken,
                   eosToken: eosToken, extra: extra, options: options)
    }

    /// Renders messages given as template values (dicts that may carry more than role and content, such as
    /// `tool_calls`).
    public func render(messages: [Value], addGenerationPrompt: Bool, bosToken: String, eosToken: String,
                       extra: [String: Value] = [:], options: RenderOptions = RenderOptions()) throws(TemplateError) -> String {
        var context = extra
        context["messages"] = .list(messages)
        context["add_generation_prompt"] = .bool(addGenerationPrompt)
        context["bos_token"] = .string(bosToken)
        context["eos_token"] = .string(eosToken)
        return try render(context: context, options: options)
    }

    /// Renders with exactly the variables given.
    public func render(context: [String: Value], options: RenderOptions = RenderOptions()) throws(TemplateError) -> String {
        do {
            let evaluator = Evaluator(limits: options.limits, clock: options.clock)
            return try evaluator.render(statements, context: context)
        } catch {
            throw ChatTemplate.located(error, lines: lines, name: name)
        }
    }

    private static func located(_ error: any Error, lines: LineTable, name: String) -> TemplateError {
        guard var error = error as? TemplateError else {
            return TemplateError(.runtime, "\(error)", templateName: name)
        }
        if error.location == nil, let offset = error.offset { error.location = lines.location(of: offset) }
        error.offset = nil
        error.templateName = error.templateName ?? name
        return error
    }
}
