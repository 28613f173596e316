/// Text to token ids and back, exactly as the model's authors' tools do it.
///
/// Loaders (`TokenizerLoader`) return one for a checkpoint directory, a `tokenizer.json`, a SentencePiece
/// `tokenizer.model` or a GGUF file. `encode(text)` with the default `addSpecialTokens: true` matches
/// HF `tokenizer(text)["input_ids"]`: a Llama or Mistral tokenizer prepends BOS, SmolLM2's adds nothing.
/// Special-token text in the input ("<s>", "<|im_start|>") becomes the special token, as in HF.
public protocol Tokenizer: Sendable {
    /// The ids of `text`; with `addSpecialTokens`, wrapped as the tokenizer's post-processor says (BOS…).
    func encode(_ text: String, addSpecialTokens: Bool) -> [Int]
    /// The text of `ids`; ids outside the vocabulary are skipped.
    func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String
    /// The vocabulary string of a token (e.g. "▁Hello", "Ġworld", "<0x0A>"), for display.
    func tokenText(_ id: Int) -> String?
    /// The id of a token string, including added and special tokens.
    func tokenID(_ text: String) -> Int?

    var bosID: Int? { get }
    var eosID: Int? { get }
    var padID: Int? { get }
    var unkID: Int? { get }
    /// The ids of special tokens (control tokens), which `decode(skipSpecialTokens: true)` drops.
    var specialTokenIDs: Set<Int> { get }
    /// Number of ids, added tokens included.
    var vocabularySize: Int { get }
    /// What the tokenizer is, for reports: "tokenizer.json BPE (49152)".
    var summary: String { get }
}

extension Tokenizer {
    public func encode(_ text: String) -> [Int] { encode(text, addSpecialTokens: true) }

    public func decode(_ ids: [Int]) -> String { decode(ids, skipSpecialTokens: false) }

    /// The vocabulary strings of `ids`, for showing how a text was cut.
    public func pieces(_ ids: [Int]) -> [String] { ids.map { tokenText($0) ?? "<\($0)?>" } }

    /// The special tokens by text.
    public var specialTokens: [String: Int] {
        var result: [String: Int] = [:]
        for id in specialTokenIDs { if let text = tokenText(id) { result[text] = id } }
        return result
    }

    /// A decoder for ids that arrive one at a time (generation).
    public func makeStreamingDecoder(skipSpecialTokens: Bool = false) -> StreamingDecoder {
        StreamingDecoder(tokenizer: self, skipSpecialTokens: skipSpecialTokens)
    }
}

/// Decodes ids as they arrive, returning text only once it is complete: a character split over several
/// byte tokens comes out whole, never as U+FFFD. Follows HF `DecodeStream`: it decodes a short window of
/// previous ids together with the new one, so decoders that look at neighbours (leading-space stripping,
/// byte fallback) give the same text as decoding everything at once.
public struct StreamingDecoder: Sendable {
    private let tokenizer: any Tokenizer
    private let skipSpecialTokens: Bool
    private var ids: [Int] = []
    private var prefix = ""
    private var prefixIndex = 0

    public init(tokenizer: any Tokenizer, skipSpecialTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// Adds one id; returns the text it completes ("" while a character is still incomplete).
    public mutating func append(_ id: Int) -> String {
        if prefix.isEmpty, !ids.isEmpty {
            let candidate = tokenizer.decode(ids, skipSpecialTokens: skipSpecialTokens)
            if !Self.endsIncomplete(candidate) {
                prefix = candidate
                prefixIndex = ids.count
            }
        }
        ids.append(id)
        let text = tokenizer.decode(ids, skipSpecialTokens: skipSpecialTokens)
        guard text.utf8.count > prefix.utf8.count, !Self.endsIncomplete(text) else { return "" }
        // A decoder that rewrites earlier text (HF reports InvalidPrefix) still yields what differs.
        let common = zip(text.utf8, prefix.utf8).prefix { $0 == $1 }.count
        let new = String(decoding: text.utf8.dropFirst(common), as: UTF8.self)
        let newPrefixIndex = ids.count - prefixIndex
        ids.removeFirst(prefixIndex)
        prefix = tokenizer.decode(ids, skipSpecialTokens: skipSpecialTokens)
        prefixIndex = newPrefixIndex
        return new
    }

    private static func endsIncomplete(_ text: String) -> Bool {
        text.utf8.suffix(3).elementsEqual([0xEF, 0xBF, 0xBD])
    }

    /// Whatever is still held back (an incomplete character at the end of generation, as U+FFFD).
    public mutating func finish() -> String {
        let text = tokenizer.decode(ids, skipSpecialTokens: skipSpecialTokens)
        defer { ids.removeAll(); prefix = ""; prefixIndex = 0 }
        guard text.utf8.count > prefix.utf8.count, text.utf8.starts(with: prefix.utf8) else { return "" }
        return String(decoding: text.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
    }
}
