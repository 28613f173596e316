import Foundation
import ModelFormats

/// The tokenizer embedded in a GGUF file's `tokenizer.ggml.*` metadata, built as the HF tokenizer it was
/// converted from: `llama` vocabularies as SentencePiece BPE, `gpt2` vocabularies as byte-level BPE with the
/// pre-tokenizer that `tokenizer.ggml.pre` names.
public enum GGUFVocabulary {
    /// llama.cpp token types.
    enum TokenType: Int {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    public static func load(path: String) throws(TokenizerError) -> PipelineTokenizer {
        let file: GGUFFile
        do {
            file = try GGUFFile(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TokenizerError.malformedBinary(file: path, offset: Self.offset(of: error.place), reason: error.message)
        }
        return try make(metadata: file.metadata, file: path)
    }

    private static func offset(of place: FormatError.Place) -> Int {
        switch place {
        case .byteOffset(let offset): return offset
        case .within(let outer, let inner): return max(offset(of: outer), offset(of: inner))
        default: return 0
        }
    }

    /// Builds the tokenizer from already-parsed metadata (the engine opens the GGUF once for both).
    public static func make(metadata: GGUFMetadata, file: String) throws(TokenizerError) -> PipelineTokenizer {
        func missing(_ key: String, _ reason: String) -> TokenizerError {
            .missingMetadata(file: file, key: key, reason: reason)
        }
        guard let modelName = metadata.string("tokenizer.ggml.model") else {
            throw missing("tokenizer.ggml.model", "absent or not a string; this GGUF carries no tokenizer")
        }
        guard let tokensArray = metadata.array("tokenizer.ggml.tokens") else {
            throw missing("tokenizer.ggml.tokens", "absent or not an array")
        }
        guard let tokens = tokensArray.stringBytes(), !tokens.isEmpty else {
            throw missing("tokenizer.ggml.tokens", "expected a non-empty array of strings, found \(tokensArray.elementType)")
        }
        let count = tokens.count
        var types = [TokenType](repeating: .normal, count: count)
        if let array = metadata.array("tokenizer.ggml.token_type") {
            guard let values = array.integers(), values.count == count else {
                throw missing("tokenizer.ggml.token_type", "expected \(count) integers, found \(array.count) \(array.elementType)")
            }
            types = values.map { TokenType(rawValue: $0) ?? .normal }
        }
        func specialID(_ key: String) throws(TokenizerError) -> Int? {
            guard let value = metadata[key] else { return nil }
            guard let id = value.int else { throw missing(key, "expected an integer, found \(value.type)") }
            // -1 (or an out-of-range id) means "none" in llama.cpp's converters.
            return id >= 0 && id < count ? id : nil
        }
        let bos = try specialID("tokenizer.ggml.bos_token_id")
        let eos = try specialID("tokenizer.ggml.eos_token_id")
        let unk = try specialID("tokenizer.ggml.unknown_token_id")
        let pad = try specialID("tokenizer.ggml.padding_token_id")
        let vocabulary = Vocabulary(tokens: tokens.map(UTF8Scalars.repaired))

        var added: [AddedToken] = []
        for (id, type) in types.enumerated() where type == .control || type == .userDefined {
            added.append(AddedToken(id: id, content: String(decoding: vocabulary.tokens[id], as: UTF8.self),
                                    special: type == .control, normalized: false))
        }

        switch modelName {
        case "llama":
            guard let scoresArray = metadata.array("tokenizer.ggml.scores") else {
                throw missing("tokenizer.ggml.scores", "a SentencePiece vocabulary needs scores")
            }
            guard let scores = scoresArray.floats(), scores.count == count else {
                throw missing("tokenizer.ggml.scores", "expected \(count) floats, found \(scoresArray.count) \(scoresArray.elementType)")
            }
            guard let unk else { throw missing("tokenizer.ggml.unknown_token_id", "a SentencePiece vocabulary needs one") }
            let byteFallback = !vocabulary.byteFallbackIDs().contains(-1)
            let model = SentencePieceBPEModel(
                vocabulary: vocabulary, scores: scores,
                mergeable: types.map { $0 == .normal || $0 == .userDefined || $0 == .unused },
                unused: types.map { $0 == .unused }, unknownID: Int32(unk), byteFallback: byteFallback,
                userDefined: [])
            let addSpacePrefix = metadata.bool("tokenizer.ggml.add_space_prefix") ?? true
            let addBOS = metadata.bool("tokenizer.ggml.add_bos_token") ?? true
            let addEOS = metadata.bool("tokenizer.ggml.add_eos_token") ?? false
            var decoders: [TokenDecoder] = [.replaceLiteral(pattern: Normalizer.metaspace, content: [0x20])]
            if byteFallback { decoders.append(.byteFallback) }
            decoders.append(.fuse)
            if addSpacePrefix { decoders.append(.strip(content: 0x20, start: 1, stop: 0)) }
            added.append(AddedToken(id: unk, content: String(decoding: vocabulary.tokens[unk], as: UTF8.self),
                                    special: true, normalized: false))
            return PipelineTokenizer(
                addedTokens: added,
                normalizer: .sentencePiece(rules: nil, addDummyPrefix: addSpacePrefix, removeExtraWhitespaces: false,
                                           escapeWhitespaces: true),
                preTokenizer: nil, model: model,
                postProcessor: template(addBOS ? bos : nil, addEOS ? eos : nil),
                decoder: .sequence(decoders), summary: "GGUF llama SentencePiece BPE (\(count))",
                bosID: bos, eosID: eos, padID: pad, unkID: unk)

        case "gpt2":
            guard let mergesArray = metadata.array("tokenizer.ggml.merges") else {
                throw missing("tokenizer.ggml.merges", "a byte-level BPE vocabulary needs merges")
            }
            guard let merges = mergesArray.stringBytes() else {
                throw missing("tokenizer.ggml.merges", "expected an array of strings, found \(mergesArray.elementType)")
            }
            var table = MergeTable(capacity: merges.count)
            var joined: [UInt8] = []
            for (rank, merge) in merges.enumerated() {
                let space = merge.firstIndex(of: 0x20) ?? merge.endIndex
                let first = merge[..<space]
                let second = merge[min(space + 1, merge.endIndex)...]
                joined.removeAll(keepingCapacity: true)
                joined.append(contentsOf: first)
                joined.append(contentsOf: second)
                guard space < merge.endIndex, let left = vocabulary.id(first), let right = vocabulary.id(second),
                      let result = vocabulary.id(joined) else {
                    throw missing("tokenizer.ggml.merges[\(rank)]",
                                  "\"\(String(decoding: merge, as: UTF8.self))\" is not two tokens whose concatenation is a token")
                }
                table.add(left: left, right: right, rank: UInt32(rank), result: result)
            }
            let pre = metadata.string("tokenizer.ggml.pre") ?? "default"
            guard let style = PreTokenizerStyle(ggmlName: pre) else {
                throw missing("tokenizer.ggml.pre", "unsupported pre-tokenizer \"\(pre)\"")
            }
            let model = BPEModel(vocabulary: vocabulary, merges: table, unknownID: nil, fuseUnknown: false,
                                 byteFallback: false, ignoreMerges: style.ignoresMerges,
                                 continuingSubwordPrefix: nil, endOfWordSuffix: nil)
            let addBOS = metadata.bool("tokenizer.ggml.add_bos_token") ?? style.addsBOS
            let addEOS = metadata.bool("tokenizer.ggml.add_eos_token") ?? false
            return PipelineTokenizer(
                addedTokens: added, normalizer: style.normalizer, preTokenizer: style.preTokenizer, model: model,
                postProcessor: template(addBOS ? bos : nil, addEOS ? eos : nil), decoder: .byteLevel,
                summary: "GGUF gpt2 byte-level BPE, pre \"\(pre)\" (\(count))",
                bosID: bos, eosID: eos, padID: pad, unkID: unk)

        default:
            throw missing("tokenizer.ggml.model", "unsupported tokenizer model \"\(modelName)\"")
        }
    }

    private static func template(_ bos: Int?, _ eos: Int?) -> PostProcessor {
        var items: [PostProcessor.TemplateItem] = []
        if let bos { items.append(.special([Int32(bos)])) }
        items.append(.sequence)
        if let eos { items.append(.special([Int32(eos)])) }
        return .template(items)
    }
}

/// The pre-tokenization of byte-level BPE families, by llama.cpp's `tokenizer.ggml.pre` name, as their HF
/// tokenizer.json files define it.
struct PreTokenizerStyle {
    var preTokenizer: PreTokenizer
    var normalizer: Normalizer? = nil
    var ignoresMerges = false
    var addsBOS = false

    init?(ggmlName: String) {
        let byteLevel = PreTokenizer.byteLevel(addPrefixSpace: false, useRegex: true)
        let byteLevelOnly = PreTokenizer.byteLevel(addPrefixSpace: false, useRegex: false)
        switch ggmlName {
        case "default", "gpt-2", "gpt2", "olmo", "jais", "trillion":
            preTokenizer = byteLevel
        case "mpt":
            // GPT-NeoX's tokenizer normalizes to NFC first.
            preTokenizer = byteLevel
            normalizer = .unicode(.nfc)
        case "llama-bpe", "llama3", "llama-v3", "falcon3", "dbrx", "smaug-bpe":
            preTokenizer = .sequence([.split(.llama3(maxDigits: 3), behavior: .isolated, invert: false), byteLevelOnly])
            ignoresMerges = true
            addsBOS = true
        case "qwen2", "deepseek-r1-qwen", "stablelm2", "megrez":
            preTokenizer = .sequence([.split(.llama3(maxDigits: 1), behavior: .isolated, invert: false), byteLevelOnly])
            normalizer = .unicode(.nfc)
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva":
            preTokenizer = .sequence([.digits(individual: true), byteLevel])
        default:
            return nil
        }
    }
}
