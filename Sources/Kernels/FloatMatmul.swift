import CKernels

/// Matmul of float weights (F32, F16, BF16) against float activations, in Swift SIMD.
///
/// Every output element is computed the same way whatever tile it falls in: 16 lane-partial sums over
/// `k` in steps of 16 (fused multiply-add), a fixed halving reduction, then the `k % 16` tail in order.
/// That makes results independent of batch size, tiling and thread count.

protocol FloatRowFormat {
    static func load16(_ row: UnsafeRawPointer, _ index: Int) -> SIMD16<Float>
    static func load1(_ row: UnsafeRawPointer, _ index: Int) -> Float
}

enum F32Rows: FloatRowFormat {
    @inline(__always) static func load16(_ row: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        (row + index * 4).loadUnaligned(as: SIMD16<Float>.self)
    }
    @inline(__always) static func load1(_ row: UnsafeRawPointer, _ index: Int) -> Float {
        (row + index * 4).loadUnaligned(as: Float.self)
    }
}

enum F16Rows: FloatRowFormat {
    @inline(__always) static func load16(_ row: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        SIMD16<Float>((row + index * 2).loadUnaligned(as: SIMD16<Float16>.self))
    }
    @inline(__always) static func load1(_ row: UnsafeRawPointer, _ index: Int) -> Float {
        Float((row + index * 2).loadUnaligned(as: Float16.self))
    }
}

enum BF16Rows: FloatRowFormat {
    @inline(__always) static func load16(_ row: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        let bits = (row + index * 2).loadUnaligned(as: SIMD16<UInt16>.self)
        return unsafeBitCast(SIMD16<UInt32>(truncatingIfNeeded: bits) &<< 16, to: SIMD16<Float>.self)
    }
    @inline(__always) static func load1(_ row: UnsafeRawPointer, _ index: Int) -> Float {
        Float(bitPattern: UInt32((row + index * 2).loadUnaligned(as: UInt16.self)) << 16)
    }
}

/// The fixed reduction tree: halves added pairwise, 16 → 8 → 4 → 2 → 1.
@inline(__always)
func reduceHalves(_ v: SIMD16<Float>) -> Float {
    let a = v.lowHalf + v.highHalf
    let b = a.lowHalf + a.highHalf
    let c = b.lowHalf + b.highHalf
    return c[0] + c[1]
}

@inline(__always)
func finish<F: FloatRowFormat>(_ acc: SIMD16<Float>, _ f: F.Type, _ w: UnsafeRawPointer,
                               _ x: UnsafePointer<Float>, _ body: Int, _ k: Int) -> Float {
    var tail: Float = 0
    var i = body
    while i < k {
        tail = tail.addingProduct(F.load1(w, i), x[i])
        i += 1
    }
    return reduceHalves(acc) + tail
}

/// y[t * ldy + r] = Σ_k W[r, k] · x[t * ldx + k] for r in `rows`, t in 0..<tokens.
///
/// Half-precision weights multiplying several tokens are widened to float32 four rows at a time first (an
/// exact conversion), so the conversion is paid once per row and token block rather than once per token.
func floatMatmul<F: FloatRowFormat>(_ format: F.Type, _ w: WeightMatrix, rows: Range<Int>,
                                    _ x: UnsafePointer<Float>, ldx: Int, tokens: Int,
                                    _ y: UnsafeMutablePointer<Float>, ldy: Int) {
    guard F.self != F32Rows.self, tokens >= 4 else {
        if F.self == F16Rows.self, vectorKernelsActive {
            // Decode: the C kernel streams the half rows at full bandwidth, with this function's arithmetic.
            ck_gemv_f16_vector(w.base, w.rowStride, Int32(rows.lowerBound), Int32(rows.upperBound),
                               x, ldx, Int32(tokens), y, ldy, Int32(w.columns))
            return
        }
        floatTiles(format, w, rows: rows, x, ldx: ldx, tokens: tokens, y, ldy: ldy)
        return
    }
    let k = w.columns
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * k) { widened in
        var r = rows.lowerBound
        while r < rows.upperBound {
            let count = min(4, rows.upperBound - r)
            for i in 0..<count {
                let source = w.row(r + i), destination = widened.baseAddress! + i * k
                var j = 0
                while j + 16 <= k {
                    UnsafeMutableRawPointer(destination + j).storeBytes(of: F.load16(source, j), as: SIMD16<Float>.self)
                    j += 16
                }
                while j < k { destination[j] = F.load1(source, j); j += 1 }
            }
            let rowsAsFloat = WeightMatrix(unchecked: .f32, rows: count, columns: k, rowStride: k * 4,
                                           base: UnsafeRawPointer(widened.baseAddress!))
            floatTiles(F32Rows.self, rowsAsFloat, rows: 0..<count, x, ldx: ldx, tokens: tokens, y + r, ldy: ldy)
            r += count
        }
    }
}

func floatTiles<F: FloatRowFormat>(_ format: F.Type, _ w: WeightMatrix, rows: Range<Int>,
                                   _ x: UnsafePointer<Float>, ldx: Int, tokens: Int,
                                   _ y: UnsafeMutablePointer<Float>, ldy: Int) {
    let k = w.columns
    let body = k & ~15
    var r = rows.lowerBound
    while r + 4 <= rows.upperBound {
        let w0 = w.row(r), w1 = w.row(r + 1), w2 = w.row(r + 2), w3 = w.row(r + 3)
        var t = 0
        while t + 4 <= tokens {
            let x0 = x + t * ldx, x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx
            var a00 = SIMD16<Float>(), a01 = SIMD16<Float>(), a02 = SIMD16<Float>(), a03 = SIMD16<Float>()
            var a10 = SIMD16<Float>(), a11 = SIMD16<Float>(), a12 = SIMD16<Float>(), a13 = SIMD16<Float>()
            var a20 = SIMD16<Float>(), a21 = SIMD16<Float>(), a22 = SIMD16<Float>(), a23 = SIMD16<Float>()
            var a30 = SIMD16<Float>(), a31 = SIMD16<Float>(), a32 = SIMD16<Float>(), a33 = SIMD16<Float>()
            var i = 0
            while i < body {
                let v0 = UnsafeRawPointer(x0 + i).loadUnaligned(as: SIMD16<Float>.self)
                let v1 = UnsafeRawPointer(x1 + i).loadUnaligned(as: SIMD16<Float>.self)
                let v2 = UnsafeRawPointer(x2 + i).loadUnaligned(as: SIMD16<Float>.self)
                let v3 = UnsafeRawPointer(x3 + i).loadUnaligned(as: SIMD16<Float>.self)
                let u0 = F.load16(w0, i)
                a00 = a00.addingProduct(u0, v0); a01 = a01.addingProduct(u0, v1)
                a02 = a02.addingProduct(u0, v2); a03 = a03.addingProduct(u0, v3)
                let u1 = F.load16(w1, i)
                a10 = a10.addingProduct(u1, v0); a11 = a11.addingProduct(u1, v1)
                a12 = a12.addingProduct(u1, v2); a13 = a13.addingProduct(u1, v3)
                let u2 = F.load16(w2, i)
                a20 = a20.addingProduct(u2, v0); a21 = a21.addingProduct(u2, v1)
                a22 = a22.addingProduct(u2, v2); a23 = a23.addingProduct(u2, v3)
                let u3 = F.load16(w3, i)
                a30 = a30.addingProduct(u3, v0); a31 = a31.addingProduct(u3, v1)
                a32 = a32.addingProduct(u3, v2); a33 = a33.addingProduct(u3, v3)
                i += 16
            }
            let o = y + t * ldy + r
            o[0] = finish(a00, F.self, w0, x0, body, k); o[ldy] = finish(a01, F.self, w0, x1, body, k)
            o[2 * ldy] = finish(a02, F.self, w0, x2, body, k); o[3 * ldy] = finish(a03, F.self, w0, x3, body, k)
            o[1] = finish(a10, F.self, w1, x0, body, k); o[ldy + 1] = finish(a11, F.self, w1, x1, body, k)
            o[2 * ldy + 1] = finish(a12, F.self, w1, x2, body, k); o[3 * ldy + 1] = finish(a13, F.self, w1, x3, body, k)
            o[2] = finish(a20, F.self, w2, x0, body, k); o[ldy + 2] = finish(a21, F.self, w2, x1, body, k)
            o[2 * ldy + 2] = finish(a22, F.self, w2, x2, body, k); o[3 * ldy + 2] = finish(a23, F.self, w2, x3, body, k)
            o[3] = finish(a30, F.self, w3, x0, body, k); o[ldy + 3] = finish(a31, F.self, w3, x1, body, k)
            o[2 * ldy + 3] = finish(a32, F.self, w3, x2, body, k); o[3 * ldy + 3] = finish(a33, F.self, w3, x3, body, k)
            t += 4
        }
        while t < tokens {
            let x0 = x + t * ldx
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            var i = 0
            while i < body {
                let v = UnsafeRawPointer(x0 + i).loadUnaligned(as: SIMD16<Float>.self)
                a0 = a0.addingProduct(F.load16(w0, i), v)
                a1 = a1.addingProduct(F.load16(w1, i), v)
                a2 = a2.addingProduct(F.load16(w2, i), v)
                a3 = a3.addingProduct(F.load16(w3, i), v)
                i += 16
            }
            let o = y + t * ldy + r
            o[0] = finish(a0, F.self, w0, x0, body, k)
            o[1] = finish(a1, F.self, w1, x0, body, k)
            o[2] = finish(a2, F.self, w2, x0, body, k)
            o[3] = finish(a3, F.self, w3, x0, body, k)
            t += 1
        }
        r += 4
    }
    while r < rows.upperBound {
        let w0 = w.row(r)
        for t in 0..<tokens {
            let x0 = x + t * ldx
            var a0 = SIMD16<Float>()
            var i = 0
            while i < body {
                a0 = a0.addingProduct(F.load16(w0, i), UnsafeRawPointer(x0 + i).loadUnaligned(as: SIMD16<Float>.self))
                i += 16
            }
            y[t * ldy + r] = finish(a0, F.self, w0, x0, body, k)
        }
        r += 1
    }
}
