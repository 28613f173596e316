import Foundation
import FuzzDriver
@testable import Tokenizers

/// tokenizer.json: the JSON parser, every component builder, and — when a tokenizer comes out — encoding and
/// decoding text (fixed samples and a slice of the input itself), streaming included.
runFuzzer { input in
    let bytes = Array(input.bindMemory(to: UInt8.self))
    guard let tokenizer = try? TokenizerJSON.parse(bytes, file: "fuzz/tokenizer.json") else { return }
    let samples = ["", " ", "Hello, world! 123 <s> [INST] 👨‍👩‍👧 ½", String(decoding: bytes.prefix(64), as: UTF8.self)]
    for text in samples {
        let ids = tokenizer.encode(text, addSpecialTokens: true)
        _ = tokenizer.decode(ids, skipSpecialTokens: false)
        _ = tokenizer.decode(ids + [-1, Int(Int32.max)], skipSpecialTokens: true)
        var stream = tokenizer.makeStreamingDecoder()
        for id in ids.prefix(16) { _ = stream.append(id) }
        _ = stream.finish()
        _ = tokenizer.pieces(ids)
    }
}
