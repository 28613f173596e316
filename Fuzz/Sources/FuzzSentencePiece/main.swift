import Foundation
import FuzzDriver
@testable import Tokenizers

/// SentencePiece tokenizer.model: the protobuf reader, the ModelProto fields, the BPE/unigram model builders,
/// and encoding/decoding with whatever tokenizer comes out.
runFuzzer { input in
    let bytes = Array(input.bindMemory(to: UInt8.self))
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
