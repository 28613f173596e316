/// A checkpoint's chat templates and the special-token variables transformers hands them, read from
/// `tokenizer_config.json` (and `chat_template.jinja` beside it), or assembled from GGUF metadata
/// (`tokenizer.chat_template`, `tokenizer.chat_template.NAME`) by whoever reads the GGUF.
public struct ChatTemplateConfig: Sendable {
    /// Template sources by name; an unnamed template is `"default"`.
    public var templates: [String: String]
    /// Where the templates came from, for error messages (`tokenizer_config.json`, `chat_template.jinja`, …).
    public var origin: String
    /// `bos_token`, `eos_token`, `unk_token`, `pad_token`, `additional_special_tokens`, …: transformers passes
    /// its tokenizer's `special_tokens_map` to every template.
    public var specialTokens: [String: Value]

    public init(templates: [String: String], origin: String, specialTokens: [String: Value] = [:]) {
        self.templates = templates
        self.origin = origin
        self.specialTokens = specialTokens
    }

    static let specialTokenKeys = [
        "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token",
        "additional_special_tokens",
    ]

    /// Reads `tokenizer_config.json`. Its `chat_template` may be one string or a list of
    /// `{"name": …, "template": …}`; a `chat_template.jinja` file (transformers' newer layout), when given,
    /// is the default template. Special tokens may be strings or serialised `AddedToken` objects.
    public init(tokenizerConfigJSON json: String, chatTemplateFile: String? = nil) throws(TemplateError) {
        guard case .dict(let config) = try Value(json: json) else {
            throw TemplateError(.value, "tokenizer_config.json is not a JSON object")
        }
        var templates: [String: String] = [:]
        switch config["chat_template"] {
        case .string(let source)?:
            templates["default"] = source
        case .list(let entries)?:
            for entry in entries {
                guard case .dict(let named) = entry, case .string(let name)? = named["name"],
                      case .string(let source)? = named["template"] else {
                    throw TemplateError(.value, "tokenizer_config.json: each chat_template entry needs a \"name\" and a \"template\"")
                }
                templates[name] = source
            }
        case nil, .none?:
            break
        default:
            throw TemplateError(.value, "tokenizer_config.json: chat_template must be a string or a list of named templates")
        }
        var origin = "tokenizer_config.json"
        if let chatTemplateFile {
            templates["default"] = chatTemplateFile
            origin = "chat_template.jinja"
        }
        var specialTokens: [String: Value] = [:]
        for key in ChatTemplateConfig.specialTokenKeys {
            guard let value = config[key] else { continue }
            switch value {
            case .list(let tokens):
                specialTokens[key] = .list(tokens.compactMap(ChatTemplateConfig.tokenText).map(Value.string))
            default:
                if let text = ChatTemplateConfig.tokenText(value) { specialTokens[key] = .string(text) }
            }
        }
        self.init(templates: templates, origin: origin, specialTokens: specialTokens)
    }

    /// A token written as `"<s>"` or as `{"content": "<s>", "__type": "AddedToken", …}`.
    private static func tokenText(_ value: Value) -> String? {
        switch value {
        case .string(let text): text
        case .dict(let token): token["content"]?.text
        default: nil
        }
    }

    public var bosToken: String { specialTokens["bos_token"]?.text ?? "" }
    public var eosToken: String { specialTokens["eos_token"]?.text ?? "" }

    /// The template transformers would pick: the one named, else `tool_use` when tools are passed and one
    /// exists, else `default`; nil when the checkpoint has none (fall back to a ``BuiltinTemplate``).
    public func source(named name: String? = nil, withTools: Bool = false) -> String? {
        if let name { return templates[name] }
        if withTools, let toolUse = templates["tool_use"] { return toolUse }
        return templates["default"] ?? (templates.count == 1 ? templates.values.first : nil)
    }

    /// The chosen template, parsed (see ``source(named:withTools:)``).
    public func template(named name: String? = nil, withTools: Bool = false) throws(TemplateError) -> ChatTemplate? {
        guard let source = source(named: name, withTools: withTools) else { return nil }
        return try ChatTemplate(source: source, name: name.map { "\(origin)#\($0)" } ?? origin)
    }

    /// The variables besides `messages` and `add_generation_prompt` that transformers' `apply_chat_template`
    /// passes: the special tokens, and `tools` and `documents` (None when absent — so `tools is defined` holds).
    public func transformersVariables(tools: Value? = nil, documents: Value? = nil) -> [String: Value] {
        var variables = specialTokens
        variables["tools"] = tools ?? Value.none
        variables["documents"] = documents ?? Value.none
        return variables
    }
}
