/// One rendering case in the format of `../shared/chat-templates/cases.json`: a template, its special tokens,
/// messages and `add_generation_prompt`, with the text (or the error) jinja2 produced for them.
///
/// This is the contract behind the shell's `template render CASE.json --out FILE`: ``render(options:)`` returns
/// exactly the text transformers would produce. Keys other than the known ones (for example `tools` or
/// `date_string`) are passed to the template as extra variables.
public struct TemplateCase: Sendable {
    /// The clock the reference renderings used: `strftime_now` saw 2024-07-26.
    public static let referenceClock = TemplateClock.fixed(TemplateDateTime(year: 2024, month: 7, day: 26))

    static let knownKeys: Set<String> = [
        "name", "origin", "template", "bos_token", "eos_token", "messages", "add_generation_prompt", "expected",
        "expected_error",
    ]

    public var name: String?
    public var template: String
    public var bosToken: String
    public var eosToken: String
    public var messages: [Value]
    public var addGenerationPrompt: Bool
    /// Any other keys of the case object.
    public var extra: [String: Value]
    /// The reference rendering, when the case has one.
    public var expected: String?
    /// The reference error (`TemplateError: …`, `UndefinedError: …`), when rendering should fail.
    public var expectedError: String?

    /// Reads a case object from JSON text.
    public init(json: String) throws(TemplateError) {
        try self.init(value: try Value(json: json))
    }

    /// Reads a case from a parsed case object.
    public init(value: Value) throws(TemplateError) {
        guard case .dict(let object) = value else {
            throw TemplateError(.value, "a template case must be a JSON object")
        }
        func text(_ key: String, required: Bool = false) throws(TemplateError) -> String? {
            switch object[key] {
            case nil, .none?:
                if required { throw TemplateError(.value, "the template case has no \"\(key)\"") }
                return nil
            case .string(let string)?: return string
            default: throw TemplateError(.value, "\"\(key)\" in the template case must be a string")
            }
        }
        name = try text("name")
        template = try text("template", required: true) ?? ""
        bosToken = try text("bos_token") ?? ""
        eosToken = try text("eos_token") ?? ""
        expected = try text("expected")
        expectedError = try text("expected_error")
        switch object["messages"] {
        case .list(let items)?: messages = items
        case nil: throw TemplateError(.value, "the template case has no \"messages\"")
        default: throw TemplateError(.value, "\"messages\" in the template case must be a list")
        }
        switch object["add_generation_prompt"] {
        case nil, .none?: addGenerationPrompt = false
        case .bool(let flag)?: addGenerationPrompt = flag
        default: throw TemplateError(.value, "\"add_generation_prompt\" in the template case must be true or false")
        }
        var extra: [String: Value] = [:]
        for (key, value) in object.pairs {
            guard let key = key.text, !TemplateCase.knownKeys.contains(key) else { continue }
            extra[key] = value
        }
        self.extra = extra
    }

    /// Renders the case: the exact text transformers' `apply_chat_template(..., tokenize=False)` gives.
    public func render(options: RenderOptions = RenderOptions(clock: TemplateCase.referenceClock)) throws(TemplateError) -> String {
        let parsed = try ChatTemplate(source: template, name: name ?? "template")
        return try parsed.render(messages: messages, addGenerationPrompt: addGenerationPrompt, bosToken: bosToken,
                                 eosToken: eosToken, extra: extra, options: options)
    }
}
