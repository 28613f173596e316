import Foundation

/// Finds and loads the tokenizer of a checkpoint: `tokenizer.json` if present, else SentencePiece
/// `tokenizer.model`, else the vocabulary embedded in a GGUF file; `tokenizer_config.json` beside them
/// supplies `add_bos_token`/`add_eos_token` and the special-token strings.
public enum TokenizerLoader {
    /// Loads from a directory, a `tokenizer.json`, a `tokenizer.model` or a `.gguf` file.
    public static func load(path: String) throws(TokenizerError) -> any Tokenizer {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TokenizerError.unreadable(file: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue { return try loadDirectory(url) }
        let directory = url.deletingLastPathComponent()
        let config = try TokenizerConfig.load(directory.appendingPathComponent("tokenizer_config.json"))
        switch url.pathExtension.lowercased() {
        case "json":
            return try config.apply(to: TokenizerJSON.load(contentsOf: url))
        case "gguf":
            return try GGUFVocabulary.load(path: path)
        default:
            return try config.apply(to: SentencePieceModel.load(contentsOf: url))
        }
    }

    private static func loadDirectory(_ directory: URL) throws(TokenizerError) -> any Tokenizer {
        let files = FileManager.default
        let config = try TokenizerConfig.load(directory.appendingPathComponent("tokenizer_config.json"))
        let json = directory.appendingPathComponent("tokenizer.json")
        if files.fileExists(atPath: json.path) { return try config.apply(to: TokenizerJSON.load(contentsOf: json)) }
        let model = directory.appendingPathComponent("tokenizer.model")
        if files.fileExists(atPath: model.path) {
            return try config.apply(to: SentencePieceModel.load(contentsOf: model))
        }
        let ggufs = ((try? files.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.lowercased().hasSuffix(".gguf") }.sorted()
        if let first = ggufs.first {
            return try GGUFVocabulary.load(path: directory.appendingPathComponent(first).path)
        }
        throw TokenizerError.noTokenizerFound(directory: directory.path)
    }
}

/// The parts of `tokenizer_config.json` that change how text is encoded.
struct TokenizerConfig {
    var addBOS: Bool?
    var addEOS: Bool?
    var bosToken: String?
    var eosToken: String?
    var padToken: String?
    var unkToken: String?

    static func load(_ url: URL) throws(TokenizerError) -> TokenizerConfig {
        guard FileManager.default.fileExists(atPath: url.path) else { return TokenizerConfig() }
        let root = try JSONNode.parse(try FileBytes.read(url), file: url.path)
        /// Special tokens are strings or `{"content": …}` objects (AddedToken dictionaries).
        func token(_ key: String) throws(TokenizerError) -> String? {
            guard let node = try root.optional(key) else { return nil }
            if node.value.members != nil { return try node.required("content").string() }
            return try node.string()
        }
        return TokenizerConfig(addBOS: try root.optional("add_bos_token")?.bool(),
                               addEOS: try root.optional("add_eos_token")?.bool(),
                               bosToken: try token("bos_token"), eosToken: try token("eos_token"),
                               padToken: try token("pad_token"), unkToken: try token("unk_token"))
    }

    func apply(to tokenizer: PipelineTokenizer) -> PipelineTokenizer {
        let bos = bosToken.flatMap(tokenizer.tokenID)
        let eos = eosToken.flatMap(tokenizer.tokenID)
        var result = tokenizer.withSpecialIDs(bos: bos, eos: eos, pad: padToken.flatMap(tokenizer.tokenID),
                                              unk: unkToken.flatMap(tokenizer.tokenID))
        if addBOS != nil || addEOS != nil {
            // transformers rebuilds the template from these flags when the config states them.
            let current = tokenizer.postProcessor?.prefixAndSuffix
            result = result.withSpecialTokenFlags(addBOS: addBOS ?? !(current?.prefix.isEmpty ?? true),
                                                  addEOS: addEOS ?? !(current?.suffix.isEmpty ?? true),
                                                  bosID: bos ?? tokenizer.bosID, eosID: eos ?? tokenizer.eosID)
        }
        return result
    }
}
