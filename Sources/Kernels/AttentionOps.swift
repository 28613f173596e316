/// The two inner loops of attention for one query and one head: scores against a run of key rows, and the
/// probability-weighted sum of value rows. Keys are taken four at a time for instruction-level parallelism,
/// but every score and every output element is computed exactly as if taken one at a time, so a row's result
/// never depends on how its keys are grouped.
public enum AttentionOps {
    /// scores[j] = scale · (query · keys[j]) for j in 0..<count; key rows are `stride` floats apart.
    public static func scores(_ query: UnsafePointer<Float>, keys: UnsafePointer<Float>, stride: Int, count: Int,
                              dimension: Int, scale: Float, into scores: UnsafeMutablePointer<Float>) {
        let body = dimension & ~15
        var j = 0
        while j + 4 <= count {
            let k0 = keys + j * stride, k1 = k0 + stride, k2 = k1 + stride, k3 = k2 + stride
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            var i = 0
            while i < body {
                let q = load16(query + i)
                a0 = a0.addingProduct(q, load16(k0 + i))
                a1 = a1.addingProduct(q, load16(k1 + i))
                a2 = a2.addingProduct(q, load16(k2 + i))
                a3 = a3.addingProduct(q, load16(k3 + i))
                i += 16
            }
            scores[j] = finishDot(a0, query, k0, body, dimension) * scale
            scores[j + 1] = finishDot(a1, query, k1, body, dimension) * scale
            scores[j + 2] = finishDot(a2, query, k2, body, dimension) * scale
            scores[j + 3] = finishDot(a3, query, k3, body, dimension) * scale
            j += 4
        }
        while j < count {
            let k0 = keys + j * stride
            var a0 = SIMD16<Float>()
            var i = 0
            while i < body {
                a0 = a0.addingProduct(load16(query + i), load16(k0 + i))
                i += 16
            }
            scores[j] = finishDot(a0, query, k0, body, dimension) * scale
            j += 1
        }
    }

    /// out[d] = fma(weights[j], values[j][d], out[d]) for j = 0, 1, … in order.
    public static func accumulate(_ weights: UnsafePointer<Float>, values: UnsafePointer<Float>, stride: Int,
                                  count: Int, dimension: Int, into out: UnsafeMutablePointer<Float>) {
        let body = dimension & ~15
        var j = 0
        while j + 4 <= count {
            let v0 = values + j * stride, v1 = v0 + stride, v2 = v1 + stride, v3 = v2 + stride
            let p0 = SIMD16<Float>(repeating: weights[j]), p1 = SIMD16<Float>(repeating: weights[j + 1])
            let p2 = SIMD16<Float>(repeating: weights[j + 2]), p3 = SIMD16<Float>(repeating: weights[j + 3])
            var i = 0
            while i < body {
                var o = load16(out + i)
                o = o.addingProduct(p0, load16(v0 + i))
                o = o.addingProduct(p1, load16(v1 + i))
                o = o.addingProduct(p2, load16(v2 + i))
                o = o.addingProduct(p3, load16(v3 + i))
                UnsafeMutableRawPointer(out + i).storeBytes(of: o, as: SIMD16<Float>.self)
                i += 16
            }
            while i < dimension {
                var o = out[i]
                o = o.addingProduct(weights[j], v0[i])
                o = o.addingProduct(weights[j + 1], v1[i])
                o = o.addingProduct(weights[j + 2], v2[i])
                o = o.addingProduct(weights[j + 3], v3[i])
                out[i] = o
                i += 1
            }
            j += 4
        }
        while j < count {
            let v0 = values + j * stride
            for i in 0..<dimension { out[i] = out[i].addingProduct(weights[j], v0[i]) }
            j += 1
        }
    }

    @inline(__always)
    static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func finishDot(_ acc: SIMD16<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                          _ body: Int, _ n: Int) -> Float {
        var tail: Float = 0
        var i = body
        while i < n { tail = tail.addingProduct(a[i], b[i]); i += 1 }
        return reduceHalves(acc) + tail
    }
}
