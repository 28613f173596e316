/// The tokenizer every loader builds: HF `tokenizers`' pipeline of added-token extraction, normalizer,
/// pre-tokenizer, model and post-processor for encoding, and its decoder chain for decoding.
/// SentencePiece models and GGUF vocabularies are expressed as the same pipeline.
public struct PipelineTokenizer: Tokenizer {
    let addedTokens: [AddedToken]
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let model: any TokenModel
    let postProcessor: PostProcessor?
    let decoder: TokenDecoder?

    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher
    /// Added tokens by id, with the string `decode` shows for them (the normalized form if `normalized`).
    private let addedByID: [Int: (token: AddedToken, display: [UInt8])]
    private let addedByContent: [String: Int]

    public let bosID: Int?
    public let eosID: Int?
    public let padID: Int?
    public let unkID: Int?
    public let specialTokenIDs: Set<Int>
    public let summary: String

    init(addedTokens: [AddedToken], normalizer: Normalizer?, preTokenizer: PreTokenizer?, model: any TokenModel,
         postProcessor: PostProcessor?, decoder: TokenDecoder?, summary: String,
         bosID: Int? = nil, eosID: Int? = nil, padID: Int? = nil, unkID: Int? = nil) {
        self.addedTokens = addedTokens
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.model = model
        self.postProcessor = postProcessor
        self.decoder = decoder
        self.summary = summary

        var raw: [(AddedToken, [UInt8])] = []
        var normalized: [(AddedToken, [UInt8])] = []
        var byID: [Int: (AddedToken, [UInt8])] = [:]
        var byContent: [String: Int] = [:]
        for token in addedTokens {
            let content = Array(token.content.utf8)
            if token.normalized {
                let form = normalizer?.apply(content) ?? content
                normalized.append((token, form))
                byID[token.id] = (token, form)
            } else {
                raw.append((token, content))
                byID[token.id] = (token, content)
            }
            byContent[token.content] = token.id
        }
        rawMatcher = AddedTokenMatcher(raw)
        normalizedMatcher = AddedTokenMatcher(normalized)
        addedByID = byID
        addedByContent = byContent
        specialTokenIDs = Set(addedTokens.filter(\.special).map(\.id))

        let wrapper = postProcessor?.prefixAndSuffix
        self.bosID = bosID ?? wrapper?.prefix.first.map(Int.init)
        self.eosID = eosID ?? wrapper?.suffix.last.map(Int.init)
        self.padID = padID
        self.unkID = unkID
    }

    public var vocabularySize: Int {
        max(model.vocabulary.count, (addedTokens.map(\.id).max() ?? -1) + 1)
    }

    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int] {
        encode(text, addSpecialTokens: addSpecialTokens, parseSpecialTokens: true)
    }

    /// - Parameter parseSpecialTokens: when false, special-token text in the input is tokenized as plain
    ///   text (HF `split_special_tokens`, llama.cpp `parse_special=false`).
    public func encode(_ text: String, addSpecialTokens: Bool, parseSpecialTokens: Bool) -> [Int] {
        encodeIDs(Array(text.utf8), addSpecialTokens: addSpecialTokens, parseSpecialTokens: parseSpecialTokens)
            .map(Int.init)
    }

    func encodeIDs(_ bytes: [UInt8], addSpecialTokens: Bool, parseSpecialTokens: Bool = true) -> [Int32] {
        var ids: [Int32] = []
        ids.reserveCapacity(bytes.count / 3 + 4)
        for segment in rawMatcher.split(bytes, skipSpecial: !parseSpecialTokens) {
            switch segment {
            case .token(let id):
                ids.append(id)
            case .text(let range):
                let piece = Array(bytes[range])
                let normalizedText = normalizer?.apply(piece) ?? piece
                // HF drops pieces that normalize to nothing before pre-tokenizers could add to them.
                if normalizedText.isEmpty { continue }
                for inner in normalizedMatcher.split(normalizedText, skipSpecial: !parseSpecialTokens) {
                    switch inner {
                    case .token(let id):
                        ids.append(id)
                    case .text(let innerRange):
                        if innerRange.isEmpty { continue }
                        let start = PreTokenizer.Piece(bytes: normalizedText[innerRange],
                                                       isFirst: range.lowerBound == 0 && innerRange.lowerBound == 0)
                        let words = preTokenizer?.apply([start]) ?? [start]
                        for word in words { model.tokenize(word.bytes, into: &ids) }
                    }
                }
            }
        }
        if addSpecialTokens, let postProcessor { ids = postProcessor.apply(ids) }
        return ids
    }

    public func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String {
        var tokens: [[UInt8]] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            if let added = addedByID[id] {
                if skipSpecialTokens, added.token.special { continue }
                tokens.append(added.display)
            } else if let token = model.vocabulary.token(id) {
                tokens.append(token)
            }
        }
        guard let decoder else {
            return String(decoding: Array(tokens.joined(separator: [0x20])), as: UTF8.self)
        }
        return String(decoding: Array(decoder.decode(tokens).joined()), as: UTF8.self)
    }

    public func tokenText(_ id: Int) -> String? {
        if let added = addedByID[id] { return added.token.content }
        return model.vocabulary.token(id).map { String(decoding: $0, as: UTF8.self) }
    }

    public func tokenID(_ text: String) -> Int? {
        if let id = addedByContent[text] { return id }
        return model.vocabulary.id(text).map(Int.init)
    }

    /// A copy whose post-processor adds `bos`/`eos` as requested (tokenizer_config.json's `add_bos_token` and
    /// `add_eos_token`, which transformers applies over tokenizer.json's own template).
    func withSpecialTokenFlags(addBOS: Bool, addEOS: Bool, bosID: Int?, eosID: Int?) -> PipelineTokenizer {
        var items: [PostProcessor.TemplateItem] = []
        if addBOS, let bosID { items.append(.special([Int32(bosID)])) }
        items.append(.sequence)
        if addEOS, let eosID { items.append(.special([Int32(eosID)])) }
        return PipelineTokenizer(addedTokens: addedTokens, normalizer: normalizer, preTokenizer: preTokenizer,
                                 model: model, postProcessor: .template(items), decoder: decoder, summary: summary,
                                 bosID: bosID ?? self.bosID, eosID: eosID ?? self.eosID, padID: padID, unkID: unkID)
    }

    /// A copy with the given special-token ids (from tokenizer_config.json or GGUF metadata).
    func withSpecialIDs(bos: Int?, eos: Int?, pad: Int?, unk: Int?) -> PipelineTokenizer {
        PipelineTokenizer(addedTokens: addedTokens, normalizer: normalizer, preTokenizer: preTokenizer, model: model,
                          postProcessor: postProcessor, decoder: decoder, summary: summary,
                          bosID: bos ?? bosID, eosID: eos ?? eosID, padID: pad ?? padID, unkID: unk ?? unkID)
    }
}
