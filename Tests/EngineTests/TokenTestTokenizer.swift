import Tokenizers

/// A stand-in tokenizer for checkpoints that ship none (the tiny random models): ids are written as
/// space-separated numbers. Only token-level tests use it.
struct TokenTestTokenizer: Tokenizer {
    func encode(_ text: String, addSpecialTokens: Bool) -> [Int] {
        text.split(separator: " ").compactMap { Int($0) }
    }
    func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String { ids.map(String.init).joined(separator: " ") }
    func tokenText(_ id: Int) -> String? { String(id) }
    func tokenID(_ text: String) -> Int? { Int(text) }
    var bosID: Int? { 1 }
    var eosID: Int? { 2 }
    var padID: Int? { 0 }
    var unkID: Int? { nil }
    var specialTokenIDs: Set<Int> { [0, 1, 2] }
    var vocabularySize: Int { 512 }
    var summary: String { "test ids" }
}
