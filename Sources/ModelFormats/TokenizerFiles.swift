import Foundation

/// Where a chat template came from, and its text.
public struct ChatTemplateSource: Sendable, Equatable {
    public enum Origin: Sendable, Equatable {
        /// `chat_template` in tokenizer_config.json (a string, or the `default` entry of a named list).
        case tokenizerConfig(URL)
        /// A `chat_template.jinja` file beside the model.
        case jinjaFile(URL)
        /// `tokenizer.chat_template` in a GGUF file.
        case gguf(URL)
    }

    public let origin: Origin
    public let text: String
}

/// The tokenizer material found with a checkpoint (or alone): the tokenizer engineer builds a tokenizer from
/// whichever is present, preferring tokenizer.json, then tokenizer.model, then the GGUF vocabulary.
public struct TokenizerFiles: Sendable {
    public var tokenizerJSON: URL?
    public var sentencePieceModel: URL?
    public var tokenizerConfig: URL?
    public var specialTokensMap: URL?
    /// A GGUF whose metadata holds `tokenizer.ggml.*` (a model file or a vocabulary-only file).
    public var gguf: GGUFFile?
    /// The default chat template: chat_template.jinja, else tokenizer_config.json's `chat_template`, else GGUF
    /// `tokenizer.chat_template`.
    public var chatTemplate: ChatTemplateSource?
    /// Other named templates (`tool_use`, `rag`, …) from a tokenizer_config.json list or GGUF
    /// `tokenizer.chat_template.NAME` keys.
    public var namedChatTemplates: [String: String] = [:]

    public init() {}

    /// Whether anything to build a tokenizer from was found.
    public var isEmpty: Bool {
        tokenizerJSON == nil && sentencePieceModel == nil && (gguf?.metadata["tokenizer.ggml.model"] == nil)
    }

    /// Looks for tokenizer files in `folder`.
    static func find(in folder: URL) throws(FormatError) -> TokenizerFiles {
        var files = TokenizerFiles()
        func existing(_ name: String) -> URL? {
            let url = folder.appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        files.tokenizerJSON = existing("tokenizer.json")
        files.sentencePieceModel = existing("tokenizer.model")
        files.tokenizerConfig = existing("tokenizer_config.json")
        files.specialTokensMap = existing("special_tokens_map.json")
        // transformers lets a chat_template.jinja file override tokenizer_config.json's `chat_template`.
        if let jinja = existing("chat_template.jinja") {
            do {
                files.chatTemplate = ChatTemplateSource(origin: .jinjaFile(jinja), text: try String(contentsOf: jinja, encoding: .utf8))
            } catch {
                throw FormatError(file: jinja.path, kind: .io, "cannot read as UTF-8 text")
            }
        }
        if let config = files.tokenizerConfig {
            let templates = try chatTemplates(inTokenizerConfig: config)
            if files.chatTemplate == nil, let template = templates["default"] {
                files.chatTemplate = ChatTemplateSource(origin: .tokenizerConfig(config), text: template)
            }
            files.namedChatTemplates = templates.filter { $0.key != "default" }
        }
        return files
    }

    /// Uses a GGUF's embedded vocabulary and template (when it has them).
    static func embedded(in gguf: GGUFFile) -> TokenizerFiles {
        var files = TokenizerFiles()
        files.gguf = gguf
        if let template = gguf.metadata.string("tokenizer.chat_template") {
            files.chatTemplate = ChatTemplateSource(origin: .gguf(URL(fileURLWithPath: gguf.file.path)), text: template)
        }
        let prefix = "tokenizer.chat_template."
        for (key, value) in gguf.metadata where key.hasPrefix(prefix) && key.count > prefix.count {
            if let text = value.string { files.namedChatTemplates[String(key.dropFirst(prefix.count))] = text }
        }
        return files
    }

    /// The templates of a tokenizer_config.json's `chat_template`: one string (named `default`) or a list of
    /// `{name, template}`.
    static func chatTemplates(inTokenizerConfig url: URL) throws(FormatError) -> [String: String] {
        let json = try CheckpointJSON.object(contentsOf: url)
        func fail() -> FormatError {
            FormatError(file: url.path, place: .key("chat_template"), kind: .malformedJSON,
                        "expected a string or a list of {\"name\", \"template\"} objects")
        }
        switch json["chat_template"]?.content {
        case .string(let text):
            return ["default": text]
        case .array(let named):
            var templates: [String: String] = [:]
            for entry in named {
                guard let entry = entry.object, let name = entry["name"]?.string,
                      let template = entry["template"]?.string else { throw fail() }
                templates[name] = template
            }
            return templates
        case nil, .null:
            return [:]
        default:
            throw fail()
        }
    }
}
