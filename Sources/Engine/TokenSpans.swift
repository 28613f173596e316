import Tokenizers

/// Where each token of an encoded text sits in the text (UTF-8 byte offsets), for prompt logprobs.
///
/// Special tokens the tokenizer adds (BOS) get offset 0 and empty text. The others are located by decoding
/// growing prefixes of the ids the text encodes to without added tokens: the decoded prefix's length is where
/// the next token starts (clamped to the text, since decoders may drop a leading space).
struct TokenSpans {
    var offsets: [Int]
    var texts: [String]

    init(tokenizer: any Tokenizer, text: String, ids: [Int]) {
        let plain = tokenizer.encode(text, addSpecialTokens: false)
        // Added tokens sit before and/or after the plain ids.
        var leading = 0
        if let start = (0...max(0, ids.count - plain.count)).first(where: { Array(ids.dropFirst($0).prefix(plain.count)) == plain }) {
            leading = start
        }
        let bytes = Array(text.utf8)
        var starts: [Int] = []
        starts.reserveCapacity(plain.count + 1)
        for i in 0...plain.count {
            let decoded = i == 0 ? 0 : tokenizer.decode(Array(plain[..<i])).utf8.count
            starts.append(min(bytes.count, max(starts.last ?? 0, decoded)))
        }
        offsets = []
        texts = []
        for i in ids.indices {
            let j = i - leading
            if j >= 0 && j < plain.count {
                offsets.append(starts[j])
                texts.append(String(decoding: bytes[starts[j]..<starts[j + 1]], as: UTF8.self))
            } else {
                offsets.append(j < 0 ? 0 : bytes.count)
                texts.append("")
            }
        }
    }
}
