import Foundation

/// The part of a tokenizer that turns one pre-tokenized word into ids.
protocol TokenModel: Sendable {
    var vocabulary: Vocabulary { get }
    func tokenize(_ word: ArraySlice<UInt8>, into ids: inout [Int32])
}

/// A thread-safe memo of word → ids. Bounded: once full it stops admitting words, as HF's cache does.
final class WordCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [TokenKey: [Int32]] = [:]
    private let capacity: Int
    /// Words longer than this are not worth a hash of their bytes (HF uses 256 characters).
    let maximumWordLength = 256

    init(capacity: Int = 100_000) { self.capacity = capacity }

    func lookup(_ key: TokenKey) -> [Int32]? {
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func insert(_ key: TokenKey, _ ids: [Int32]) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count < capacity { entries[key] = ids }
    }
}

/// HF `tokenizers` BPE: characters (with byte fallback or an unknown token for those outside the
/// vocabulary) merged by rank.
struct BPEModel: TokenModel {
    let vocabulary: Vocabulary
    let merges: MergeTable
    let unknownID: Int32?
    let fuseUnknown: Bool
    let byteFallback: Bool
    let ignoreMerges: Bool
    let continuingSubwordPrefix: [UInt8]?
    let endOfWordSuffix: [UInt8]?
    private let byteIDs: [Int32]
    private let cache = WordCache()

    init(vocabulary: Vocabulary, merges: MergeTable, unknownID: Int32?, fuseUnknown: Bool, byteFallback: Bool,
         ignoreMerges: Bool, continuingSubwordPrefix: [UInt8]?, endOfWordSuffix: [UInt8]?) {
        self.vocabulary = vocabulary
        self.merges = merges
        self.unknownID = unknownID
        self.fuseUnknown = fuseUnknown
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
        self.continuingSubwordPrefix = continuingSubwordPrefix?.isEmpty == true ? nil : continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix?.isEmpty == true ? nil : endOfWordSuffix
        self.byteIDs = byteFallback ? vocabulary.byteFallbackIDs() : []
    }

    func tokenize(_ word: ArraySlice<UInt8>, into ids: inout [Int32]) {
        if word.isEmpty { return }
        if ignoreMerges, let id = vocabulary.id(word) {
            ids.append(id)
            return
        }
        let cacheable = word.count <= cache.maximumWordLength
        if cacheable, let hit = cache.lookup(TokenKey(word)) {
            ids.append(contentsOf: hit)
            return
        }
        var symbols = initialSymbols(word)
        BytePairMerger.merge(&symbols, rules: merges)
        // The stored key owns its bytes: `word` may be a slice of a whole document.
        if cacheable { cache.insert(TokenKey(copying: word), symbols) }
        ids.append(contentsOf: symbols)
    }

    /// One symbol per character, as HF `BPE::merge_word`.
    private func initialSymbols(_ word: ArraySlice<UInt8>) -> [Int32] {
        var symbols: [Int32] = []
        symbols.reserveCapacity(word.count)
        var pendingUnknown: Int32? = nil
        let plain = continuingSubwordPrefix == nil && endOfWordSuffix == nil
        word.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                let (scalar, length) = UTF8Scalars.decode(buffer, at: i)
                let id: Int32?
                if plain {
                    id = vocabulary.id(scalar: scalar)
                } else {
                    var piece = Array(buffer[i..<(i + length)])
                    if i > 0, let prefix = continuingSubwordPrefix { piece = prefix + piece }
                    if i + length == buffer.count, let suffix = endOfWordSuffix { piece += suffix }
                    id = vocabulary.id(piece)
                }
                if let id {
                    if let unknown = pendingUnknown { symbols.append(unknown); pendingUnknown = nil }
                    symbols.append(id)
                } else if byteFallback, (i..<(i + length)).allSatisfy({ byteIDs[Int(buffer[$0])] >= 0 }) {
                    // HF does not flush a pending unknown token here: it follows the bytes.
                    for k in i..<(i + length) { symbols.append(byteIDs[Int(buffer[k])]) }
                } else if let unknownID {
                    if pendingUnknown != nil, fuseUnknown {
                        // Fused into the pending unknown token.
                    } else {
                        if let unknown = pendingUnknown { symbols.append(unknown) }
                        pendingUnknown = unknownID
                    }
                }
                i += length
            }
        }
        if let unknown = pendingUnknown { symbols.append(unknown) }
        return symbols
    }
}
