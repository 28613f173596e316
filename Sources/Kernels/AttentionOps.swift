/// Attention of query vectors against a key/value cache whose keys are stored transposed in blocks of
/// ``keyBlock`` positions (`keys[block][dimension][position in block]`), so that sixteen scores come from
/// `dimension` fused multiply-adds with no horizontal sums, and whose values are stored row by row.
///
/// Every result is independent of which other queries share a call: a score is Σ_d q[d]·k[d] accumulated in
/// order of d, then scaled; a softmax reads only its own query's scores over its own range; an output element
/// accumulates p_j·v_j in order of j. So decode (one query per head) and prefill (many rows at once) agree
/// bit for bit, whatever the batch.
public enum AttentionOps {
    /// Positions per key block.
    public static let keyBlock = 16

    /// One contiguous run of cached positions (a sequence's own cache, or an ancestor's it continues).
    public struct Run {
        /// Block 0 of the run's keys, offset to the key/value head being attended.
        public var keys: UnsafePointer<Float>
        /// Position 0 of the run's values, offset to the head.
        public var values: UnsafePointer<Float>
        /// The absolute position of the run's first entry, and how many it has.
        public var start: Int
        public var count: Int

        public init(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, start: Int, count: Int) {
            self.keys = keys
            self.values = values
            self.start = start
            self.count = count
        }
    }

    /// One query vector and the positions it attends to (`first...last`, absolute).
    public struct Query {
        public var vector: UnsafePointer<Float>
        public var first: Int
        public var last: Int
        public var output: UnsafeMutablePointer<Float>

        public init(vector: UnsafePointer<Float>, first: Int, last: Int, output: UnsafeMutablePointer<Float>) {
            self.vector = vector
            self.first = first
            self.last = last
            self.output = output
        }
    }

    /// The layout of the cache the runs point into.
    public struct Layout {
        public var dimension: Int
        /// Floats from one key block to the next.
        public var keyBlockStride: Int
        /// Floats from one value row to the next.
        public var valueStride: Int
        public var scale: Float

        public init(dimension: Int, keyBlockStride: Int, valueStride: Int, scale: Float) {
            self.dimension = dimension
            self.keyBlockStride = keyBlockStride
            self.valueStride = valueStride
            self.scale = scale
        }
    }

    /// Floats of scratch ``attend(_:runs:layout:scratch:)`` needs per query for runs ending before `end`.
    public static func scoreStride(end: Int) -> Int { (end + 2 * keyBlock + 15) & ~15 }

    /// Softmax(q·Kᵀ · scale) · V for every query, over the runs (in order of position, together covering
    /// every query's range). `scratch` holds `queries.count × scoreStride(end:)` floats, `end` being the
    /// runs' end.
    public static func attend(_ queries: UnsafeBufferPointer<Query>, runs: UnsafeBufferPointer<Run>, layout: Layout,
                              scratch: UnsafeMutablePointer<Float>) {
        guard let lastRun = runs.last else { return }
        let stride = scoreStride(end: lastRun.start + lastRun.count)
        let lo = queries.map(\.first).min() ?? 0, hi = queries.map(\.last).max() ?? -1
        for run in runs {
            let from = max(lo, run.start), to = min(hi, run.start + run.count - 1)
            guard from <= to else { continue }
            let firstBlock = (from - run.start) / keyBlock, endBlock = (to - run.start) / keyBlock + 1
            var i = 0
            while i + 4 <= queries.count {
                scores4(queries, i, run: run, blocks: firstBlock..<endBlock, layout: layout,
                        into: scratch + i * stride, stride: stride)
                i += 4
            }
            while i < queries.count {
                scores1(queries[i].vector, run: run, blocks: firstBlock..<endBlock, layout: layout,
                        into: scratch + i * stride)
                i += 1
            }
        }
        for (i, query) in queries.enumerated() {
            softmax(scratch + i * stride + query.first, count: query.last - query.first + 1)
            query.output.update(repeating: 0, count: layout.dimension)
        }
        for run in runs {
            var i = 0
            while i + 4 <= queries.count {
                accumulate4(queries, i, run: run, layout: layout, probabilities: scratch + i * stride, stride: stride)
                i += 4
            }
            while i < queries.count {
                let query = queries[i]
                let from = max(query.first, run.start), to = min(query.last, run.start + run.count - 1)
                if from <= to {
                    accumulate1(scratch + i * stride, values: run.values, layout: layout, from: from, to: to,
                                start: run.start, into: query.output)
                }
                i += 1
            }
        }
    }

    /// Scores of four queries against key blocks of one run, written at each query's row by absolute
    /// position (whole blocks: lanes outside the run are overwritten by the next run or never read).
    @inline(__always)
    static func scores4(_ queries: UnsafeBufferPointer<Query>, _ i: Int, run: Run, blocks: Range<Int>, layout: Layout,
                        into scores: UnsafeMutablePointer<Float>, stride: Int) {
        let q0 = queries[i].vector, q1 = queries[i + 1].vector, q2 = queries[i + 2].vector, q3 = queries[i + 3].vector
        let scale = SIMD16<Float>(repeating: layout.scale)
        for block in blocks {
            let k = run.keys + block * layout.keyBlockStride
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            for d in 0..<layout.dimension {
                let key = load16(k + d * keyBlock)
                a0 = a0.addingProduct(SIMD16(repeating: q0[d]), key)
                a1 = a1.addingProduct(SIMD16(repeating: q1[d]), key)
                a2 = a2.addingProduct(SIMD16(repeating: q2[d]), key)
                a3 = a3.addingProduct(SIMD16(repeating: q3[d]), key)
            }
            let at = run.start + block * keyBlock
            store16(a0 * scale, scores + at)
            store16(a1 * scale, scores + stride + at)
            store16(a2 * scale, scores + 2 * stride + at)
            store16(a3 * scale, scores + 3 * stride + at)
        }
    }

    @inline(__always)
    static func scores1(_ q: UnsafePointer<Float>, run: Run, blocks: Range<Int>, layout: Layout,
                        into scores: UnsafeMutablePointer<Float>) {
        let scale = SIMD16<Float>(repeating: layout.scale)
        var block = blocks.lowerBound
        // Two blocks at a time for two independent chains of multiply-adds.
        while block + 2 <= blocks.upperBound {
            let k0 = run.keys + block * layout.keyBlockStride, k1 = k0 + layout.keyBlockStride
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
            for d in 0..<layout.dimension {
                let qd = SIMD16<Float>(repeating: q[d])
                a0 = a0.addingProduct(qd, load16(k0 + d * keyBlock))
                a1 = a1.addingProduct(qd, load16(k1 + d * keyBlock))
            }
            store16(a0 * scale, scores + run.start + block * keyBlock)
            store16(a1 * scale, scores + run.start + (block + 1) * keyBlock)
            block += 2
        }
        if block < blocks.upperBound {
            let k0 = run.keys + block * layout.keyBlockStride
            var a0 = SIMD16<Float>()
            for d in 0..<layout.dimension { a0 = a0.addingProduct(SIMD16(repeating: q[d]), load16(k0 + d * keyBlock)) }
            store16(a0 * scale, scores + run.start + block * keyBlock)
        }
    }

    /// In place: p_j = exp(s_j − max) / Σ exp(s_k − max) for j < n. The sum takes sixteen lane-partial sums
    /// in steps of sixteen from the first score (the last step padded with zeros), then the fixed halving
    /// reduction. `s` must have room for whole steps of sixteen: lanes past `n` are overwritten.
    static func softmax(_ s: UnsafeMutablePointer<Float>, count n: Int) {
        guard n > 0 else { return }
        let lane = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let steps = (n + 15) / 16
        @inline(__always) func scores(_ step: Int) -> SIMD16<Float> {
            let v = load16(s + 16 * step)
            return step < steps - 1 ? v : v.replacing(with: -.infinity, where: lane .>= Int32(n - 16 * step))
        }
        var lanes = scores(0)
        for step in 1..<steps { lanes = VectorMath.maximum(lanes, scores(step)) }
        let m = SIMD16<Float>(repeating: maxHalves(lanes))
        var sum = SIMD16<Float>()
        for step in 0..<steps {
            let e = VectorMath.exp(scores(step) - m)
            store16(e, s + 16 * step)
            sum += e
        }
        let inverse = 1 / reduceHalves(sum)
        for step in 0..<steps { store16(load16(s + 16 * step) * inverse, s + 16 * step) }
    }

    /// The largest lane (exact in any order).
    @inline(__always)
    static func maxHalves(_ v: SIMD16<Float>) -> Float {
        var m = v[0]
        for i in 1..<16 where v[i] > m { m = v[i] }
        return m
    }

    /// out_i[e] += p_i[j] · v_j[e] for four queries, each over its own range of j, in order of j.
    @inline(__always)
    static func accumulate4(_ queries: UnsafeBufferPointer<Query>, _ i: Int, run: Run, layout: Layout,
                            probabilities p: UnsafeMutablePointer<Float>, stride: Int) {
        let end = run.start + run.count - 1
        let ranges = (0..<4).map { (max(queries[i + $0].first, run.start), min(queries[i + $0].last, end)) }
        let from = ranges.map(\.0).min()!, to = ranges.map(\.1).max()!
        guard from <= to else { return }
        let (f0, t0) = ranges[0], (f1, t1) = ranges[1], (f2, t2) = ranges[2], (f3, t3) = ranges[3]
        let o0 = queries[i].output, o1 = queries[i + 1].output, o2 = queries[i + 2].output, o3 = queries[i + 3].output
        let p0 = p, p1 = p + stride, p2 = p + 2 * stride, p3 = p + 3 * stride
        // Where all four ranges overlap (most of a prefill block's keys) no lane needs a range check.
        let allFrom = max(f0, f1, f2, f3), allTo = min(t0, t1, t2, t3)
        let dimension = layout.dimension, body = dimension & ~15
        var e = 0
        while e < body {
            var a0 = load16(o0 + e), a1 = load16(o1 + e), a2 = load16(o2 + e), a3 = load16(o3 + e)
            @inline(__always) func checked(_ range: ClosedRange<Int>) {
                var v = run.values + (range.lowerBound - run.start) * layout.valueStride + e
                for j in range {
                    let row = load16(v)
                    if j >= f0 && j <= t0 { a0 = a0.addingProduct(SIMD16(repeating: p0[j]), row) }
                    if j >= f1 && j <= t1 { a1 = a1.addingProduct(SIMD16(repeating: p1[j]), row) }
                    if j >= f2 && j <= t2 { a2 = a2.addingProduct(SIMD16(repeating: p2[j]), row) }
                    if j >= f3 && j <= t3 { a3 = a3.addingProduct(SIMD16(repeating: p3[j]), row) }
                    v += layout.valueStride
                }
            }
            if allFrom <= allTo {
                if from < allFrom { checked(from...(allFrom - 1)) }
                var v = run.values + (allFrom - run.start) * layout.valueStride + e
                for j in allFrom...allTo {
                    let row = load16(v)
                    a0 = a0.addingProduct(SIMD16(repeating: p0[j]), row)
                    a1 = a1.addingProduct(SIMD16(repeating: p1[j]), row)
                    a2 = a2.addingProduct(SIMD16(repeating: p2[j]), row)
                    a3 = a3.addingProduct(SIMD16(repeating: p3[j]), row)
                    v += layout.valueStride
                }
                if allTo < to { checked((allTo + 1)...to) }
            } else {
                checked(from...to)
            }
            store16(a0, o0 + e); store16(a1, o1 + e); store16(a2, o2 + e); store16(a3, o3 + e)
            e += 16
        }
        if body < dimension {
            for (q, (f, t)) in zip([o0, o1, o2, o3].indices, ranges) where f <= t {
                let out = [o0, o1, o2, o3][q], probabilities = p + q * stride
                for j in f...t {
                    let row = run.values + (j - run.start) * layout.valueStride
                    for e in body..<dimension { out[e] = out[e].addingProduct(probabilities[j], row[e]) }
                }
            }
        }
    }

    @inline(__always)
    static func accumulate1(_ p: UnsafePointer<Float>, values: UnsafePointer<Float>, layout: Layout, from: Int, to: Int,
                            start: Int, into out: UnsafeMutablePointer<Float>) {
        let dimension = layout.dimension, body = dimension & ~15
        var e = 0
        // Four 16-float slices of the output at a time: four independent chains.
        while e + 64 <= body {
            var a0 = load16(out + e), a1 = load16(out + e + 16), a2 = load16(out + e + 32), a3 = load16(out + e + 48)
            var v = values + (from - start) * layout.valueStride + e
            for j in from...to {
                let pj = SIMD16<Float>(repeating: p[j])
                a0 = a0.addingProduct(pj, load16(v))
                a1 = a1.addingProduct(pj, load16(v + 16))
                a2 = a2.addingProduct(pj, load16(v + 32))
                a3 = a3.addingProduct(pj, load16(v + 48))
                v += layout.valueStride
            }
            store16(a0, out + e); store16(a1, out + e + 16); store16(a2, out + e + 32); store16(a3, out + e + 48)
            e += 64
        }
        while e < body {
            var a0 = load16(out + e)
            var v = values + (from - start) * layout.valueStride + e
            for j in from...to {
                a0 = a0.addingProduct(SIMD16(repeating: p[j]), load16(v))
                v += layout.valueStride
            }
            store16(a0, out + e)
            e += 16
        }
        if body < dimension {
            for j in from...to {
                let row = values + (j - start) * layout.valueStride
                for e in body..<dimension { out[e] = out[e].addingProduct(p[j], row[e]) }
            }
        }
    }

    @inline(__always)
    static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }
}
