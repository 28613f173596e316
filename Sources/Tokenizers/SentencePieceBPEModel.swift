/// SentencePiece BPE (`bpe::Model`): characters merged whenever their concatenation is a piece, the
/// highest-scoring piece first; characters that stay outside the vocabulary become byte tokens or one fused
/// unknown token.
struct SentencePieceBPEModel: TokenModel {
    let vocabulary: Vocabulary
    private let rules: MergeTable
    private let unknownID: Int32
    private let byteIDs: [Int32]
    /// Unused pieces may be merged through but are split back into their halves afterwards.
    private let unusedSplits: [Int32: (Int32, Int32)]
    /// User-defined pieces are matched whole, longest first, and never merged.
    private let userDefined: [[UInt8]]

    /// - Parameters:
    ///   - mergeable: whether a piece may be the result of a merge (NORMAL, USER_DEFINED and UNUSED pieces).
    ///   - unused: whether a piece is UNUSED (resegmented after merging).
    init(vocabulary: Vocabulary, scores: [Float], mergeable: [Bool], unused: [Bool], unknownID: Int32,
         byteFallback: Bool, userDefined: [[UInt8]]) {
        self.vocabulary = vocabulary
        self.unknownID = unknownID
        self.byteIDs = byteFallback ? vocabulary.byteFallbackIDs() : []
        self.userDefined = userDefined.sorted { $0.count > $1.count }

        // Every way to split a piece into two pieces is a merge rule whose rank is the piece's place in
        // descending score order; equal scores share a rank, so the leftmost pair wins, as in SentencePiece.
        let distinctScores = Set(scores).sorted(by: >)
        var rankOfScore: [Float: UInt32] = [:]
        for (rank, score) in distinctScores.enumerated() { rankOfScore[score] = UInt32(rank) }
        var rules = MergeTable(capacity: vocabulary.count * 4)
        var unusedSplits: [Int32: (Int32, Int32)] = [:]
        for (id, piece) in vocabulary.tokens.enumerated() where id < mergeable.count && mergeable[id] {
            guard vocabulary.id(piece) == Int32(id) else { continue }
            var cut = 1
            while cut < piece.count {
                // Only cut at character boundaries.
                if piece[cut] & 0xC0 != 0x80,
                   let left = vocabulary.id(piece[..<cut]), let right = vocabulary.id(piece[cut...]),
                   left < mergeable.count, right < mergeable.count, mergeable[Int(left)], mergeable[Int(right)] {
                    rules.add(left: left, right: right, rank: rankOfScore[scores[id]] ?? .max, result: Int32(id))
                    if unused[id], unusedSplits[Int32(id)] == nil { unusedSplits[Int32(id)] = (left, right) }
                }
                cut += 1
            }
        }
        self.rules = rules
        self.unusedSplits = unusedSplits
        self.mergeableFlags = mergeable
        self.unusedFlags = unused
    }

    private let mergeableFlags: [Bool]
    private let unusedFlags: [Bool]

    func tokenize(_ word: ArraySlice<UInt8>, into ids: inout [Int32]) {
        // Symbols: a piece id, or -(1 + index into `unknowns`) for a character outside the vocabulary.
        var symbols: [Int32] = []
        var unknowns: [ArraySlice<UInt8>] = []
        var frozen: [Int: Int32] = [:]
        symbols.reserveCapacity(word.count)
        word.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                if let match = userDefined.first(where: { Self.hasPrefix(buffer, at: i, $0) }),
                   let id = vocabulary.id(match) {
                    // A frozen symbol must not merge: park it under a unique negative id.
                    let placeholder = -Int32(1_000_000 + frozen.count)
                    frozen[Int(placeholder)] = id
                    symbols.append(placeholder)
                    i += match.count
                    continue
                }
                let (scalar, length) = UTF8Scalars.decode(buffer, at: i)
                if let id = vocabulary.id(scalar: scalar), Int(id) < mergeableFlags.count, mergeableFlags[Int(id)] {
                    symbols.append(id)
                } else {
                    unknowns.append(word[(word.startIndex + i)..<(word.startIndex + i + length)])
                    symbols.append(-Int32(unknowns.count))
                }
                i += length
            }
        }
        BytePairMerger.merge(&symbols, rules: rules)

        var previousWasUnknown = false
        for symbol in symbols {
            if symbol >= 0 {
                resegment(symbol, into: &ids)
                previousWasUnknown = false
            } else if let id = frozen[Int(symbol)] {
                ids.append(id)
                previousWasUnknown = false
            } else if !byteIDs.isEmpty {
                for byte in unknowns[Int(-symbol) - 1] { ids.append(byteIDs[Int(byte)]) }
                previousWasUnknown = false
            } else {
                // Consecutive unknown pieces are reported as one.
                if !previousWasUnknown { ids.append(unknownID) }
                previousWasUnknown = true
            }
        }
    }

    private func resegment(_ id: Int32, into ids: inout [Int32]) {
        if Int(id) < unusedFlags.count, unusedFlags[Int(id)], let (left, right) = unusedSplits[id] {
            resegment(left, into: &ids)
            resegment(right, into: &ids)
        } else {
            ids.append(id)
        }
    }

    private static func hasPrefix(_ buffer: UnsafeBufferPointer<UInt8>, at i: Int, _ piece: [UInt8]) -> Bool {
        guard !piece.isEmpty, i + piece.count <= buffer.count else { return false }
        for k in 0..<piece.count where buffer[i + k] != piece[k] { return false }
        return true
    }
}
