import Foundation

/// A token string as a dictionary key: hashed and compared as raw UTF-8 bytes, never as canonically
/// equivalent `String`s. A key may be a slice of a larger buffer, so lookups need not copy; keys that are
/// stored should own their bytes (`init(copying:)`).
struct TokenKey: Hashable, Sendable {
    let bytes: ArraySlice<UInt8>

    init(_ bytes: [UInt8]) { self.bytes = bytes[...] }
    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }
    init(copying bytes: ArraySlice<UInt8>) { self.bytes = Array(bytes)[...] }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (a: TokenKey, b: TokenKey) -> Bool {
        guard a.bytes.count == b.bytes.count else { return false }
        return a.bytes.withUnsafeBytes { x in
            b.bytes.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
    }
}

/// The merge rules of a BPE vocabulary: which adjacent pair of tokens merges into which token, and with what
/// priority (a lower rank merges first; equal ranks merge leftmost first).
struct MergeTable: Sendable {
    private var table: [UInt64: UInt64] = [:]

    init(capacity: Int = 0) { table.reserveCapacity(capacity) }

    var count: Int { table.count }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Adds a rule; a later rule for the same pair replaces the earlier one, as HF's merge map does.
    mutating func add(left: Int32, right: Int32, rank: UInt32, result: Int32) {
        table[Self.key(left, right)] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: result))
    }

    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> (rank: UInt32, result: Int32)? {
        guard let packed = table[Self.key(left, right)] else { return nil }
        return (UInt32(packed >> 32), Int32(bitPattern: UInt32(truncatingIfNeeded: packed)))
    }
}

/// Greedy pair merging, the core of every BPE variant: repeatedly merge the adjacent pair with the lowest
/// rank, leftmost first, until no pair has a rule. This is the order of both HF `Word::merge_all` and
/// SentencePiece's `bpe::Model::Encode` (whose scores become ranks).
enum BytePairMerger {
    /// Merges `symbols` (token ids; negative ids never merge) in place.
    static func merge(_ symbols: inout [Int32], rules: MergeTable) {
        if symbols.count < 2 { return }
        if symbols.count <= 48 {
            mergeByScanning(&symbols, rules: rules)
        } else {
            mergeWithHeap(&symbols, rules: rules)
        }
    }

    /// Quadratic but allocation-free: the fastest way for the short words that pre-tokenizers produce.
    private static func mergeByScanning(_ symbols: inout [Int32], rules: MergeTable) {
        // ranks[i] is the rank of the pair (symbols[i], symbols[i+1]); UInt32.max when it has no rule.
        var ranks = [UInt32](repeating: .max, count: symbols.count)
        var results = [Int32](repeating: 0, count: symbols.count)
        for i in 0..<(symbols.count - 1) {
            if let rule = rules.lookup(symbols[i], symbols[i + 1]) {
                ranks[i] = rule.rank
                results[i] = rule.result
            }
        }
        var count = symbols.count
        while count > 1 {
            var best = -1
            var bestRank = UInt32.max
            for i in 0..<(count - 1) where ranks[i] < bestRank {
                bestRank = ranks[i]
                best = i
            }
            if best < 0 { break }
            symbols[best] = results[best]
            symbols.remove(at: best + 1)
            ranks.remove(at: best + 1)
            results.remove(at: best + 1)
            count -= 1
            // Only the pairs on either side of the merged symbol change.
            for i in max(0, best - 1)...best {
                if i < count - 1, let rule = rules.lookup(symbols[i], symbols[i + 1]) {
                    ranks[i] = rule.rank
                    results[i] = rule.result
                } else {
                    ranks[i] = .max
                }
            }
        }
        symbols.removeSubrange(count...)
    }

    /// A priority queue over a linked list of symbols, O(n log n): for whole texts that no pre-tokenizer
    /// splits (SentencePiece-style vocabularies).
    private static func mergeWithHeap(_ symbols: inout [Int32], rules: MergeTable) {
        let n = symbols.count
        var next = [Int32](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = i + 1 < n ? Int32(i + 1) : -1 }
            count = n
        }
        var previous = [Int32](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = Int32(i) - 1 }
            count = n
        }
        var alive = [Bool](repeating: true, count: n)
        var heap = MergeHeap()
        heap.reserve(n)
        for i in 0..<(n - 1) {
            if let rule = rules.lookup(symbols[i], symbols[i + 1]) {
                heap.push(.init(rank: rule.rank, position: Int32(i), result: rule.result))
            }
        }
        while let top = heap.pop() {
            let position = Int(top.position)
            guard alive[position] else { continue }
            let right = Int(next[position])
            guard right >= 0 else { continue }
            // Skip entries made stale by an earlier merge at either side.
            guard let rule = rules.lookup(symbols[position], symbols[right]), rule.result == top.result,
                  rule.rank == top.rank else { continue }
            symbols[position] = top.result
            alive[right] = false
            let afterRight = next[right]
            next[position] = afterRight
            if afterRight >= 0 { previous[Int(afterRight)] = Int32(position) }
            let before = previous[position]
            if before >= 0, let rule = rules.lookup(symbols[Int(before)], symbols[position]) {
                heap.push(.init(rank: rule.rank, position: before, result: rule.result))
            }
            if afterRight >= 0, let rule = rules.lookup(symbols[position], symbols[Int(afterRight)]) {
                heap.push(.init(rank: rule.rank, position: Int32(position), result: rule.result))
            }
        }
        var out: [Int32] = []
        out.reserveCapacity(n)
        var i: Int32 = 0
        while i >= 0 {
            out.append(symbols[Int(i)])
            i = next[Int(i)]
        }
        symbols = out
    }
}

/// A binary min-heap ordered by (rank, position).
private struct MergeHeap {
    struct Entry {
        var rank: UInt32
        var position: Int32
        var result: Int32

        @inline(__always) func precedes(_ other: Entry) -> Bool {
            rank != other.rank ? rank < other.rank : position < other.position
        }
    }

    private var entries: [Entry] = []

    mutating func reserve(_ n: Int) { entries.reserveCapacity(n) }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let first = entries.first else { return nil }
        let last = entries.removeLast()
        if entries.isEmpty { return first }
        entries[0] = last
        var parent = 0
        let count = entries.count
        while true {
            let left = 2 * parent + 1
            if left >= count { break }
            var smallest = left
            if left + 1 < count, entries[left + 1].precedes(entries[left]) { smallest = left + 1 }
            guard entries[smallest].precedes(entries[parent]) else { break }
            entries.swapAt(smallest, parent)
            parent = smallest
        }
        return first
    }
}
