/// A unigram language-model vocabulary (SentencePiece `unigram::Model`, HF `Unigram`): the segmentation
/// with the highest total piece score, found by Viterbi over every piece that starts at every character.
struct UnigramModel: TokenModel {
    /// How a vocabulary's origin shapes the search.
    enum Flavor: Sendable {
        /// SentencePiece: float32 sums, only normal and user-defined pieces in the lattice (control, byte,
        /// unknown and unused pieces are not), user-defined pieces favoured, consecutive unknown pieces
        /// reported once.
        case sentencePiece(inLattice: [Bool], userDefined: [Bool])
        /// HF tokenizers: float64 sums, every piece a candidate, unknown runs fused when `fuseUnknown`.
        case huggingFace(fuseUnknown: Bool)
    }

    let vocabulary: Vocabulary
    private let scores: [Double]
    private let unknownID: Int32
    private let byteIDs: [Int32]
    private let flavor: Flavor
    private let trie: ByteTrie
    private let unknownScore: Double
    private let maximumScore: Double

    init(vocabulary: Vocabulary, scores: [Double], unknownID: Int32, byteFallback: Bool, flavor: Flavor,
         normal: [Bool]? = nil) {
        self.vocabulary = vocabulary
        self.scores = scores
        self.unknownID = unknownID
        self.byteIDs = byteFallback ? vocabulary.byteFallbackIDs() : []
        self.flavor = flavor
        var trie = ByteTrie()
        for (id, piece) in vocabulary.tokens.enumerated() where !piece.isEmpty && id < scores.count {
            if case .sentencePiece(let inLattice, _) = flavor, id >= inLattice.count || !inLattice[id] { continue }
            trie.insert(piece, id: Int32(id))
        }
        self.trie = trie
        // SentencePiece takes the extremes over NORMAL pieces only; HF over the whole vocabulary.
        let considered = scores.indices.filter { normal?[$0] ?? true }
        let minimum = considered.map { scores[$0] }.min() ?? 0
        self.maximumScore = considered.map { scores[$0] }.max() ?? 0
        self.unknownScore = minimum - 10
    }

    private func add(_ a: Double, _ b: Double) -> Double {
        if case .sentencePiece = flavor { return Double(Float(a) + Float(b)) }
        return a + b
    }

    func tokenize(_ word: ArraySlice<UInt8>, into ids: inout [Int32]) {
        let bytes = Array(word)
        let size = bytes.count
        if size == 0 { return }
        var bestScore = [Double](repeating: 0, count: size + 1)
        var startsAt = [Int](repeating: -1, count: size + 1)
        var bestID = [Int32](repeating: -1, count: size + 1)
        var position = 0
        while position < size {
            let scoreHere = bestScore[position]
            let characterLength = min(UTF8Scalars.length(lead: bytes[position]), size - position)
            var hasSingleCharacterPiece = false
            trie.forEachPrefix(of: bytes, from: position) { end, id in
                let length = end - position
                var score = id < scores.count ? scores[Int(id)] : 0
                if case .sentencePiece(_, let userDefined) = flavor, Int(id) < userDefined.count, userDefined[Int(id)] {
                    score = Double(Float(length) * Float(maximumScore) - 0.1)
                }
                let candidate = add(score, scoreHere)
                if startsAt[end] == -1 || candidate > bestScore[end] {
                    bestScore[end] = candidate
                    startsAt[end] = position
                    bestID[end] = id
                }
                if length == characterLength { hasSingleCharacterPiece = true }
            }
            if !hasSingleCharacterPiece {
                let end = position + characterLength
                let candidate = add(unknownScore, scoreHere)
                if startsAt[end] == -1 || candidate > bestScore[end] {
                    bestScore[end] = candidate
                    startsAt[end] = position
                    bestID[end] = unknownID
                }
            }
            position += characterLength
        }
        var path: [(range: Range<Int>, id: Int32)] = []
        var end = size
        while end > 0 {
            let start = max(0, startsAt[end])
            path.append((start..<end, bestID[end]))
            end = start
        }
        path.reverse()
        emit(path, bytes: bytes, into: &ids)
    }

    private func emit(_ path: [(range: Range<Int>, id: Int32)], bytes: [UInt8], into ids: inout [Int32]) {
        var previousWasUnknown = false
        for (range, id) in path {
            let isUnknown = id == unknownID
            if isUnknown, !byteIDs.isEmpty {
                // The unknown stretch as byte tokens (HF: only if every byte has one).
                let byteTokens = bytes[range].map { byteIDs[Int($0)] }
                if byteTokens.allSatisfy({ $0 >= 0 }) {
                    ids.append(contentsOf: byteTokens)
                    previousWasUnknown = false
                    continue
                }
            }
            if isUnknown, previousWasUnknown {
                switch flavor {
                case .sentencePiece: continue
                case .huggingFace(let fuse): if fuse { continue }
                }
            }
            ids.append(id)
            previousWasUnknown = isUnknown
        }
    }
}

/// A byte trie for common-prefix search over a vocabulary.
struct ByteTrie: Sendable {
    private var children: [[UInt8: Int32]] = [[:]]
    private var values: [Int32] = [-1]

    mutating func insert(_ key: [UInt8], id: Int32) {
        var node = 0
        for byte in key {
            if let child = children[node][byte] {
                node = Int(child)
            } else {
                children.append([:])
                values.append(-1)
                children[node][byte] = Int32(children.count - 1)
                node = children.count - 1
            }
        }
        if values[node] < 0 { values[node] = id }
    }

    /// Calls `body(end, id)` for every key that is a prefix of `bytes[start...]`, shortest first.
    func forEachPrefix(of bytes: [UInt8], from start: Int, _ body: (Int, Int32) -> Void) {
        var node = 0
        var i = start
        while i < bytes.count, let child = children[node][bytes[i]] {
            node = Int(child)
            i += 1
            if values[node] >= 0 { body(i, values[node]) }
        }
    }
}
