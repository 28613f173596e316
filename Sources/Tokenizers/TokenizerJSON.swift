import Foundation
import TextFormats

/// Builds a `PipelineTokenizer` from an HF `tokenizer.json`, reporting every problem with the file name
/// and JSON path.
enum TokenizerJSON {
    /// Vocabularies larger than this are treated as corrupt rather than allocated.
    static let maximumVocabularySize = 4_000_000

    static func load(contentsOf url: URL) throws(TokenizerError) -> PipelineTokenizer {
        let bytes = try FileBytes.read(url)
        return try parse(bytes, file: url.path)
    }

    static func parse(_ bytes: [UInt8], file: String) throws(TokenizerError) -> PipelineTokenizer {
        let root = try JSONNode.parse(bytes, file: file)
        var normalizer: Normalizer? = nil
        if let node = try root.optional("normalizer") { normalizer = try Self.normalizer(node) }
        let (model, modelName) = try model(try root.required("model"))

        var addedTokens: [AddedToken] = []
        if let list = try root.optional("added_tokens") {
            for node in try list.array() {
                addedTokens.append(AddedToken(
                    id: try node.required("id").int(max: maximumVocabularySize),
                    content: try node.required("content").string(),
                    special: try node.optionalBool("special", default: false),
                    lstrip: try node.optionalBool("lstrip", default: false),
                    rstrip: try node.optionalBool("rstrip", default: false),
                    normalized: try node.optional("normalized")?.bool(),
                    singleWord: try node.optionalBool("single_word", default: false)))
            }
        }
        var preTokenizer: PreTokenizer? = nil
        if let node = try root.optional("pre_tokenizer") { preTokenizer = try Self.preTokenizer(node) }
        var postProcessor: PostProcessor? = nil
        if let node = try root.optional("post_processor") { postProcessor = try Self.postProcessor(node) }
        var decoder: TokenDecoder? = nil
        if let node = try root.optional("decoder") { decoder = try Self.decoder(node) }
        var unknownID: Int? = nil
        if let bpe = model as? BPEModel { unknownID = bpe.unknownID.map(Int.init) }
        if let wordPiece = model as? WordPieceModel { unknownID = Int(wordPiece.unknownID) }
        let size = max(model.vocabulary.count, (addedTokens.map(\.id).max() ?? -1) + 1)
        return PipelineTokenizer(addedTokens: addedTokens, normalizer: normalizer, preTokenizer: preTokenizer,
                                 model: model, postProcessor: postProcessor, decoder: decoder,
                                 summary: "tokenizer.json \(modelName) (\(size))", unkID: unknownID)
    }

    // MARK: Model

    private static func model(_ node: JSONNode) throws(TokenizerError) -> (any TokenModel, String) {
        var type = try node.optionalString("type") ?? ""
        if type.isEmpty, try node.optional("merges") != nil { type = "BPE" }
        switch type {
        case "BPE": return (try bpe(node), "BPE")
        case "Unigram": return (try unigram(node), "Unigram")
        case "WordPiece": return (try wordPiece(node), "WordPiece")
        default:
            throw TokenizerError.unsupported(file: node.file, path: node.path + ".type", what: "model type \"\(type)\"")
        }
    }

    private static func vocabulary(_ node: JSONNode) throws(TokenizerError) -> Vocabulary {
        var pairs: [(token: [UInt8], id: Int)] = []
        let members = try node.rawMembers()
        pairs.reserveCapacity(members.count)
        for member in members {
            guard let number = member.value.number?.double, number >= 0, number < Double(maximumVocabularySize),
                  number.rounded() == number else {
                throw node.member(member).error("expected a token id in 0..<\(maximumVocabularySize)")
            }
            pairs.append((Array(member.key.utf8), Int(number)))
        }
        return Vocabulary(pairs: pairs)
    }

    private static func bpe(_ node: JSONNode) throws(TokenizerError) -> BPEModel {
        let vocabulary = try vocabulary(try node.required("vocab"))
        let prefix = try node.optional("continuing_subword_prefix")?.bytes()
        let suffix = try node.optional("end_of_word_suffix")?.bytes()
        let mergesNode = try node.optional("merges") ?? JSONNode(value: JSONValue(.array([])), path: node.path + ".merges", file: node.file)
        let merges = try mergesNode.rawArray()
        var table = MergeTable(capacity: merges.count)
        let prefixLength = prefix?.count ?? 0
        var merged: [UInt8] = []
        for (rank, merge) in merges.enumerated() {
            let left: ArraySlice<UInt8>
            let right: ArraySlice<UInt8>
            switch merge.content {
            case .string(let text):
                let line = Array(text.utf8)
                guard let space = line.firstIndex(of: 0x20), !line[(space + 1)...].contains(0x20) else {
                    throw mergesNode.element(merge, at: rank).error("expected \"left right\" with one space")
                }
                left = line[..<space]
                right = line[(space + 1)...]
            case .array(let pair):
                guard pair.count == 2, let a = pair[0].string, let b = pair[1].string else {
                    throw mergesNode.element(merge, at: rank).error("expected a pair of strings")
                }
                left = Array(a.utf8)[...]
                right = Array(b.utf8)[...]
            default:
                throw mergesNode.element(merge, at: rank).expected("a string or a pair")
            }
            merged.removeAll(keepingCapacity: true)
            merged.append(contentsOf: left)
            merged.append(contentsOf: right.dropFirst(min(prefixLength, right.count)))
            guard let leftID = vocabulary.id(left), let rightID = vocabulary.id(right),
                  let mergedID = vocabulary.id(merged) else {
                let missing = vocabulary.id(left) == nil ? left : vocabulary.id(right) == nil ? right : merged[...]
                throw mergesNode.element(merge, at: rank).error(
                    "merge refers to \"\(String(decoding: missing, as: UTF8.self))\", which is not in the vocabulary")
            }
            table.add(left: leftID, right: rightID, rank: UInt32(rank), result: mergedID)
        }
        var unknownID: Int32? = nil
        if let unk = try node.optional("unk_token") {
            // HF only fails when an unknown character actually needs the token; a missing one is tolerated.
            unknownID = vocabulary.id(try unk.bytes())
        }
        if let dropout = try node.optional("dropout"), try dropout.double() > 0 {
            throw dropout.unsupported("BPE dropout (sampling) in an inference tokenizer")
        }
        return BPEModel(vocabulary: vocabulary, merges: table, unknownID: unknownID,
                        fuseUnknown: try node.optionalBool("fuse_unk", default: false),
                        byteFallback: try node.optionalBool("byte_fallback", default: false),
                        ignoreMerges: try node.optionalBool("ignore_merges", default: false),
                        continuingSubwordPrefix: prefix, endOfWordSuffix: suffix)
    }

    private static func unigram(_ node: JSONNode) throws(TokenizerError) -> UnigramModel {
        let vocabNode = try node.required("vocab")
        var tokens: [[UInt8]] = []
        var scores: [Double] = []
        for (index, entry) in try vocabNode.rawArray().enumerated() {
            guard let pair = entry.array, pair.count == 2, let piece = pair[0].string, let score = pair[1].number else {
                throw vocabNode.element(entry, at: index).error("expected [piece, score]")
            }
            tokens.append(Array(piece.utf8))
            scores.append(score.double)
        }
        guard let unk = try node.optional("unk_id") else {
            throw node.error("a Unigram model without unk_id cannot encode unknown characters")
        }
        let unknownID = try unk.int(max: max(0, tokens.count - 1))
        return UnigramModel(vocabulary: Vocabulary(tokens: tokens), scores: scores, unknownID: Int32(unknownID),
                            byteFallback: try node.optionalBool("byte_fallback", default: false),
                            flavor: .huggingFace(fuseUnknown: true))
    }

    private static func wordPiece(_ node: JSONNode) throws(TokenizerError) -> WordPieceModel {
        let vocabulary = try vocabulary(try node.required("vocab"))
        let unk = try node.required("unk_token")
        guard let unknownID = vocabulary.id(try unk.bytes()) else { throw unk.error("not in the vocabulary") }
        return WordPieceModel(vocabulary: vocabulary, unknownID: unknownID,
                              continuingSubwordPrefix: try node.optional("continuing_subword_prefix")?.bytes() ?? Array("##".utf8),
                              maximumCharactersPerWord: try node.optional("max_input_chars_per_word")?.int() ?? 100)
    }

    // MARK: Normalizers

    /// A Replace pattern: `{"String": …}` or `{"Regex": …}`.
    private enum ReplacePattern {
        case literal([UInt8])
        case regex(ICURegex)
    }

    private static func pattern(_ node: JSONNode) throws(TokenizerError) -> ReplacePattern {
        if let string = try node.optional("String") { return .literal(try string.bytes()) }
        if let regex = try node.optional("Regex") {
            let source = try regex.string()
            do { return .regex(try ICURegex(source)) } catch {
                throw regex.error("invalid regular expression")
            }
        }
        throw node.error("expected {\"String\": …} or {\"Regex\": …}")
    }

    private static func normalizer(_ node: JSONNode) throws(TokenizerError) -> Normalizer {
        let type = try node.required("type").string()
        switch type {
        case "Sequence":
            var parts: [Normalizer] = []
            for child in try node.required("normalizers").array() { parts.append(try normalizer(child)) }
            return .sequence(parts)
        case "Prepend": return .prepend(try node.required("prepend").bytes())
        case "Replace":
            let content = try node.required("content").bytes()
            switch try pattern(try node.required("pattern")) {
            case .literal(let literal): return .replaceLiteral(pattern: literal, content: content)
            case .regex(let regex): return .replaceRegex(regex, content: content)
            }
        case "NFC": return .unicode(.nfc)
        case "NFD": return .unicode(.nfd)
        case "NFKC": return .unicode(.nfkc)
        case "NFKD": return .unicode(.nfkd)
        case "Lowercase": return .lowercase
        case "Strip":
            return .strip(left: try node.optionalBool("strip_left", default: true),
                          right: try node.optionalBool("strip_right", default: true))
        case "StripAccents": return .stripAccents
        case "ByteLevel": return .byteLevel
        case "Precompiled":
            // Base64 of SentencePiece's compiled rules; empty is the identity.
            guard let mapNode = try node.optional("precompiled_charsmap") else { return .sequence([]) }
            let encoded = try mapNode.string()
            if encoded.isEmpty { return .sequence([]) }
            guard let blob = Data(base64Encoded: encoded), let rules = PrecompiledCharsMap([UInt8](blob)) else {
                throw mapNode.error("not a base64 SentencePiece character map")
            }
            return .precompiled(rules)
        default:
            throw TokenizerError.unsupported(file: node.file, path: node.path + ".type", what: "normalizer \"\(type)\"")
        }
    }

    // MARK: Pre-tokenizers

    private static func behavior(_ node: JSONNode?, default fallback: SplitBehavior) throws(TokenizerError) -> SplitBehavior {
        guard let node else { return fallback }
        let name = try node.string()
        guard let behavior = SplitBehavior(rawValue: name) else { throw node.error("unknown split behavior \"\(name)\"") }
        return behavior
    }

    private static func prependScheme(_ node: JSONNode) throws(TokenizerError) -> PreTokenizer.PrependScheme {
        if let schemeNode = try node.optional("prepend_scheme") {
            let name = try schemeNode.string()
            guard let scheme = PreTokenizer.PrependScheme(rawValue: name) else {
                throw schemeNode.error("unknown prepend scheme \"\(name)\"")
            }
            if let add = try node.optional("add_prefix_space"), try !add.bool(), scheme != .never {
                throw add.error("add_prefix_space does not match prepend_scheme")
            }
            return scheme
        }
        return try node.optionalBool("add_prefix_space", default: true) ? .always : .never
    }

    private static func replacement(_ node: JSONNode) throws(TokenizerError) -> [UInt8] {
        let replacementNode = try node.required("replacement")
        let bytes = try replacementNode.bytes()
        guard UTF8Scalars.scalars(bytes).count == 1 else { throw replacementNode.error("expected one character") }
        return bytes
    }

    private static func preTokenizer(_ node: JSONNode) throws(TokenizerError) -> PreTokenizer {
        let type = try node.required("type").string()
        switch type {
        case "Sequence":
            var parts: [PreTokenizer] = []
            for child in try node.required("pretokenizers").array() { parts.append(try preTokenizer(child)) }
            return .sequence(parts)
        case "ByteLevel":
            return .byteLevel(addPrefixSpace: try node.optionalBool("add_prefix_space", default: true),
                              useRegex: try node.optionalBool("use_regex", default: true))
        case "Split":
            let patternNode = try node.required("pattern")
            let splitPattern: SplitPattern
            if let string = try patternNode.optional("String") {
                splitPattern = .literal(try string.bytes())
            } else if let regex = try patternNode.optional("Regex") {
                let source = try regex.string()
                if let known = SplitPattern.known(source) {
                    splitPattern = known
                } else {
                    do { splitPattern = .regex(try ICURegex(source)) } catch {
                        throw regex.error("invalid regular expression")
                    }
                }
            } else {
                throw patternNode.error("expected {\"String\": …} or {\"Regex\": …}")
            }
            return .split(splitPattern, behavior: try behavior(try node.required("behavior"), default: .isolated),
                          invert: try node.optionalBool("invert", default: false))
        case "Digits": return .digits(individual: try node.optionalBool("individual_digits", default: false))
        case "Metaspace":
            return .metaspace(replacement: try replacement(node), prependScheme: try prependScheme(node),
                              split: try node.optionalBool("split", default: true))
        case "Whitespace": return .whitespace
        case "WhitespaceSplit": return .whitespaceSplit
        case "Punctuation": return .punctuation(try behavior(try node.optional("behavior"), default: .isolated))
        case "BertPreTokenizer": return .bert
        default:
            throw TokenizerError.unsupported(file: node.file, path: node.path + ".type", what: "pre-tokenizer \"\(type)\"")
        }
    }

    // MARK: Post-processors

    private static func postProcessor(_ node: JSONNode) throws(TokenizerError) -> PostProcessor {
        let type = try node.required("type").string()
        switch type {
        case "TemplateProcessing":
            var specials: [String: [Int32]] = [:]
            if let map = try node.optional("special_tokens") {
                for (key, entry) in try map.members() {
                    var ids: [Int32] = []
                    for id in try entry.required("ids").array() { ids.append(Int32(try id.int())) }
                    specials[key] = ids
                }
            }
            var items: [PostProcessor.TemplateItem] = []
            for piece in try node.required("single").array() {
                if let special = try piece.optional("SpecialToken") {
                    let name = try special.required("id").string()
                    guard let ids = specials[name] else {
                        throw special.error("special token \"\(name)\" is not in special_tokens")
                    }
                    items.append(.special(ids))
                } else if try piece.optional("Sequence") != nil {
                    items.append(.sequence)
                } else {
                    throw piece.error("expected {\"SpecialToken\": …} or {\"Sequence\": …}")
                }
            }
            return .template(items)
        case "RobertaProcessing", "BertProcessing":
            func pair(_ key: String) throws(TokenizerError) -> Int32 {
                let node = try node.required(key)
                let parts = try node.array()
                guard parts.count == 2 else { throw node.error("expected [token, id]") }
                return Int32(try parts[1].int())
            }
            return .wrap(prefix: [try pair("cls")], suffix: [try pair("sep")])
        case "ByteLevel":
            return PostProcessor.none
        case "Sequence":
            var parts: [PostProcessor] = []
            for child in try node.required("processors").array() {
                parts.append(try postProcessor(child))
            }
            return .sequence(parts)
        default:
            throw TokenizerError.unsupported(file: node.file, path: node.path + ".type", what: "post-processor \"\(type)\"")
        }
    }

    // MARK: Decoders

    private static func decoder(_ node: JSONNode) throws(TokenizerError) -> TokenDecoder {
        let type = try node.required("type").string()
        switch type {
        case "Sequence":
            var parts: [TokenDecoder] = []
            for child in try node.required("decoders").array() { parts.append(try decoder(child)) }
            return .sequence(parts)
        case "ByteLevel": return .byteLevel
        case "Metaspace":
            return .metaspace(replacement: try replacement(node), stripFirst: try prependScheme(node) != .never)
        case "ByteFallback": return .byteFallback
        case "Fuse": return .fuse
        case "Strip":
            let contentNode = try node.required("content")
            let content = UTF8Scalars.scalars(try contentNode.bytes())
            guard content.count == 1 else { throw contentNode.error("expected one character") }
            return .strip(content: content[0], start: try node.optional("start")?.int() ?? 0,
                          stop: try node.optional("stop")?.int() ?? 0)
        case "Replace":
            let content = try node.required("content").bytes()
            switch try pattern(try node.required("pattern")) {
            case .literal(let literal): return .replaceLiteral(pattern: literal, content: content)
            case .regex(let regex): return .replaceRegex(regex, content: content)
            }
        case "WordPiece":
            return .wordPiece(prefix: try node.optional("prefix")?.bytes() ?? Array("##".utf8),
                              cleanup: try node.optionalBool("cleanup", default: true))
        case "BPEDecoder":
            return .bpeSuffix(try node.optional("suffix")?.bytes() ?? Array("</w>".utf8))
        default:
            throw TokenizerError.unsupported(file: node.file, path: node.path + ".type", what: "decoder \"\(type)\"")
        }
    }
}

/// Reading whole files with errors that name them.
enum FileBytes {
    static func read(_ url: URL) throws(TokenizerError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw TokenizerError.unreadable(file: url.path, reason: error.localizedDescription)
        }
    }
}
