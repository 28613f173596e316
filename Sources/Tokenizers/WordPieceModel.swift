/// BERT's WordPiece: greedy longest-match-first, continuation pieces marked with a prefix ("##"); a word with
/// any unmatched remainder becomes the unknown token.
struct WordPieceModel: TokenModel {
    let vocabulary: Vocabulary
    let unknownID: Int32
    let continuingSubwordPrefix: [UInt8]
    let maximumCharactersPerWord: Int

    func tokenize(_ word: ArraySlice<UInt8>, into ids: inout [Int32]) {
        let bytes = Array(word)
        if bytes.isEmpty { return }
        let boundaries = characterBoundaries(bytes)
        if boundaries.count - 1 > maximumCharactersPerWord {
            ids.append(unknownID)
            return
        }
        var pieces: [Int32] = []
        var startIndex = 0
        while startIndex < boundaries.count - 1 {
            var endIndex = boundaries.count - 1
            var found: Int32? = nil
            while startIndex < endIndex {
                var candidate = Array(bytes[boundaries[startIndex]..<boundaries[endIndex]])
                if startIndex > 0 { candidate = continuingSubwordPrefix + candidate }
                if let id = vocabulary.id(candidate) {
                    found = id
                    break
                }
                endIndex -= 1
            }
            guard let id = found else {
                ids.append(unknownID)
                return
            }
            pieces.append(id)
            startIndex = endIndex
        }
        ids.append(contentsOf: pieces)
    }

    private func characterBoundaries(_ bytes: [UInt8]) -> [Int] {
        var result: [Int] = []
        var i = 0
        while i < bytes.count {
            result.append(i)
            i += min(UTF8Scalars.length(lead: bytes[i]), bytes.count - i)
        }
        result.append(bytes.count)
        return result
    }
}
