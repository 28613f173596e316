/// The keys and values one sequence has seen, per layer, as float32 rows of `kvDimension`.
///
/// A cache can extend a read-only `parent` (a prompt prefilled once): positions below `parentLength` are read
/// from the parent, later ones from this cache. That is prefix sharing: K candidate continuations of one
/// prompt each fork the prompt's cache without copying it.
public final class KVCache: @unchecked Sendable {
    let layerCount: Int
    let kvDimension: Int
    let parent: KVCache?
    /// Positions owned by the parent chain.
    let parentLength: Int
    private(set) var keys: [UnsafeMutablePointer<Float>]
    private(set) var values: [UnsafeMutablePointer<Float>]
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
        self.capacity = max(1, capacity)
        keys = (0..<layers).map { _ in .allocate(capacity: max(1, capacity) * kvDimension) }
        values = (0..<layers).map { _ in .allocate(capacity: max(1, capacity) * kvDimension) }
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
    }

    /// A new cache that continues this one (which must not grow while the fork is alive).
    public func fork() -> KVCache {
        KVCache(layers: layerCount, kvDimension: kvDimension, parent: self, capacity: 16)
    }

    /// Bytes this cache holds (not counting its parent).
    public var byteCount: Int { 2 * layerCount * capacity * kvDimension * 4 }

    /// Makes room for `count` more positions.
    func reserve(_ count: Int) {
        let needed = ownLength + count
        guard needed > capacity else { return }
        let newCapacity = max(needed, capacity * 2)
        for layer in 0..<layerCount {
            for isKey in [true, false] {
                let old = isKey ? keys[layer] : values[layer]
                let grown = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity * kvDimension)
                grown.update(from: old, count: ownLength * kvDimension)
                old.deallocate()
                if isKey { keys[layer] = grown } else { values[layer] = grown }
            }
        }
        capacity = newCapacity
    }

    /// Records that `count` positions were appended (their rows written through `keyRow`/`valueRow`).
    func commit(_ count: Int) { ownLength += count }

    /// Where position `position` (≥ parentLength) of `layer` is stored.
    @inline(__always)
    func keyRow(_ layer: Int, _ position: Int) -> UnsafeMutablePointer<Float> {
        keys[layer] + (position - parentLength) * kvDimension
    }

    @inline(__always)
    func valueRow(_ layer: Int, _ position: Int) -> UnsafeMutablePointer<Float> {
        values[layer] + (position - parentLength) * kvDimension
    }

    /// The contiguous runs of stored keys/values for positions 0..<upTo: (keys, values, first position, count),
    /// root first.
    func segments(layer: Int, upTo end: Int) -> [(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, start: Int, count: Int)] {
        var result: [(UnsafePointer<Float>, UnsafePointer<Float>, Int, Int)] = []
        var cache: KVCache? = self
        var chain: [KVCache] = []
        while let c = cache { chain.append(c); cache = c.parent }
        for c in chain.reversed() {
            let start = c.parentLength
            let stop = min(end, c.parentLength + c.ownLength)
            if stop > start { result.append((UnsafePointer(c.keys[layer]), UnsafePointer(c.values[layer]), start, stop - start)) }
        }
        return result
    }
}
