import Kernels

/// The keys and values one sequence has seen, per layer, as float32.
///
/// Keys are stored in the layout ``AttentionOps`` reads: blocks of 16 positions, each block holding every
/// key dimension as a row of 16 (one per position), so a query meets 16 keys per multiply-add. Values are
/// stored row by row (`kvDimension` floats per position).
///
/// A cache can extend a read-only `parent` (a prompt prefilled once): positions below `parentLength` are read
/// from the parent, later ones from this cache. That is prefix sharing: K candidate continuations of one
/// prompt each fork the prompt's cache without copying it.
public final class KVCache: @unchecked Sendable {
    static let block = AttentionOps.keyBlock

    let layerCount: Int
    let kvDimension: Int
    let parent: KVCache?
    /// Positions owned by the parent chain.
    let parentLength: Int
    private(set) var keys: [UnsafeMutablePointer<Float>]
    private(set) var values: [UnsafeMutablePointer<Float>]
    /// Positions there is room for (a multiple of the key block).
    private var capacity: Int
    /// Positions stored here (after the parent's).
    private(set) var ownLength = 0

    /// Total positions this sequence has.
    public var length: Int { parentLength + ownLength }

    init(layers: Int, kvDimension: Int, parent: KVCache? = nil, capacity: Int = 64) {
        layerCount = layers
        self.kvDimension = kvDimension
        self.parent = parent
        parentLength = parent?.length ?? 0
        self.capacity = Self.rounded(capacity)
        keys = (0..<layers).map { _ in .allocate(capacity: Self.rounded(capacity) * kvDimension) }
        values = (0..<layers).map { _ in .allocate(capacity: Self.rounded(capacity) * kvDimension) }
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
    }

    private static func rounded(_ positions: Int) -> Int { max(block, (positions + block - 1) / block * block) }

    /// A new cache that continues this one (which must not grow while the fork is alive).
    public func fork(capacity: Int = 16) -> KVCache {
        KVCache(layers: layerCount, kvDimension: kvDimension, parent: self, capacity: capacity)
    }

    /// Bytes this cache holds (not counting its parent).
    public var byteCount: Int { 2 * layerCount * capacity * kvDimension * 4 }

    /// Makes room for `count` more positions.
    func reserve(_ count: Int) {
        let needed = ownLength + count
        guard needed > capacity else { return }
        let newCapacity = Self.rounded(max(needed, capacity * 2))
        // Whole key blocks are copied: the layout of a block does not depend on the capacity.
        let used = Self.rounded(ownLength) * kvDimension
        for layer in 0..<layerCount {
            let grownKeys = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity * kvDimension)
            grownKeys.update(from: keys[layer], count: used)
            keys[layer].deallocate()
            keys[layer] = grownKeys
            let grownValues = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity * kvDimension)
            grownValues.update(from: values[layer], count: ownLength * kvDimension)
            values[layer].deallocate()
            values[layer] = grownValues
        }
        capacity = newCapacity
    }

    /// Records that `count` positions were appended (their rows written through `store`).
    func commit(_ count: Int) { ownLength += count }

    /// Writes the key and value rows (`kvDimension` floats each) of position `position` (≥ parentLength).
    @inline(__always)
    func store(layer: Int, position: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>) {
        let local = position - parentLength
        let blockStart = keys[layer] + (local / Self.block) * Self.block * kvDimension + local % Self.block
        for e in 0..<kvDimension { blockStart[e * Self.block] = key[e] }
        (values[layer] + local * kvDimension).update(from: value, count: kvDimension)
    }

    /// The contiguous runs of stored positions 0..<upTo for key/value head dimensions starting at `offset`
    /// (head × head dimension), root first.
    func runs(layer: Int, upTo end: Int, offset: Int) -> [AttentionOps.Run] {
        var chain: [KVCache] = []
        var cache: KVCache? = self
        while let c = cache { chain.append(c); cache = c.parent }
        var result: [AttentionOps.Run] = []
        for c in chain.reversed() {
            let start = c.parentLength
            let stop = min(end, c.parentLength + c.ownLength)
            guard stop > start else { continue }
            result.append(AttentionOps.Run(keys: UnsafePointer(c.keys[layer] + offset * Self.block),
                                           values: UnsafePointer(c.values[layer] + offset),
                                           start: start, count: stop - start))
        }
        return result
    }
}
