import Foundation
import FuzzDriver
@testable import Tokenizers

/// SentencePiece tokenizer.model: the protobuf reader, the ModelProto fields, the BPE/unigram model builders,
/// and encoding/decoding with whatever tokenizer comes out; the input is also tried as a compiled
/// normalization-rule blob (precompiled_charsmap), whose trie walk must stay inside its arrays.
runFuzzer { input in
    let bytes = Array(input.bindMemory(to: UInt8.self))
    if let rules = PrecompiledCharsMap(bytes) {
        let sample = Array("Ｆｕｌｌ ﬁ ½ e\u{301} 👨‍👩‍👧  x".utf8) + bytes.suffix(16)
        _ = rules.normalizeGraphemes(UTF8Scalars.repaired(sample))
        var i = 0
        while i < sample.count { i += max(1, rules.normalizePrefix(sample, at: i).consumed) }
    }
    guard let model = try? SentencePieceModel.parse(bytes, file: "fuzz/tokenizer.model"),
          let tokenizer = try? model.makeTokenizer(file: "fuzz/tokenizer.model") else { return }
    for text in ["", "  Hello  world ", "<s>x</s> ½ 🦙", String(decoding: bytes.suffix(48), as: UTF8.self)] {
        let ids = tokenizer.encode(text, addSpecialTokens: true)
        _ = tokenizer.decode(ids, skipSpecialTokens: false)
        var stream = tokenizer.makeStreamingDecoder()
        for id in ids.prefix(16) { _ = stream.append(id) }
        _ = stream.finish()
    }
}
