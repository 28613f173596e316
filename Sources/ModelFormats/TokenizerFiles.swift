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
    public var chatTemplate: ChatTemplateSource?

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
        if let config = files.tokenizerConfig, let template = try chatTemplate(inTokenizerConfig: config) {
            files.chatTemplate = ChatTemplateSource(origin: .tokenizerConfig(config), text: template)
        } else if let jinja = existing("chat_template.jinja") {
            do {
                files.chatTemplate = ChatTemplateSource(origin: .jinjaFile(jinja), text: try String(contentsOf: jinja, encoding: .utf8))
            } catch {
                throw FormatError(file: jinja.path, kind: .io, "cannot read as UTF-8 text")
            }
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
        return files
    }

    /// `chat_template` of a tokenizer_config.json: a string, or a list of `{name, template}` (the `default` one).
    static func chatTemplate(inTokenizerConfig url: URL) throws(FormatError) -> String? {
        let json = try JSONDocument.object(contentsOf: url)
        switch json["chat_template"] {
        case let text as String:
            return text
        case let named as [[String: Any]]:
            let chosen = named.first { $0["name"] as? String == "default" } ?? named.first
            return chosen?["template"] as? String
        case nil, is NSNull:
            return nil
        default:
            throw FormatError(file: url.path, place: .key("chat_template"), kind: .malformedJSON, "expected a string or a list of named templates")
        }
    }
}
