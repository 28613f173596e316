// The 256-element "k-quant" super-block layouts (ggml-common.h) and their REFERENCE dequantisation, written
// exactly as ggml-quants.c `dequantize_row_q*_K` computes (same operations, same order → bit-identical).

/// `block_q4_K`: `{ ggml_half d; ggml_half dmin; uint8_t scales[12]; uint8_t qs[128]; }`.
///
/// Eight sub-blocks of 32 weights, each `d * sc * q - dmin * m` with 6-bit `sc`, `m` packed in `scales`
/// (see ``kQuantScaleMin(_:_:)``). Each 32 bytes of `qs` hold two sub-blocks: low nibbles then high nibbles.
public enum BlockQ4_K {
    public static let elements = QK_K
    public static let byteCount = 144
    public static let scaleOffset = 0
    public static let minScaleOffset = 2
    public static let scalesOffset = 4
    public static let quantsOffset = 16

    @inlinable
    public static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = floatFromHalfBits(block.loadHalfBits(at: scaleOffset))
        let dmin = floatFromHalfBits(block.loadHalfBits(at: minScaleOffset))
        let scales = block + scalesOffset
        var q = block + quantsOffset
        var y = out
        var subBlock = 0
        for _ in stride(from: 0, to: QK_K, by: 64) {
            let (sc1, m1) = kQuantScaleMin(subBlock, scales)
            let d1 = d * Float(sc1), min1 = dmin * Float(m1)
            let (sc2, m2) = kQuantScaleMin(subBlock + 1, scales)
            let d2 = d * Float(sc2), min2 = dmin * Float(m2)
            for l in 0..<32 { y[l] = d1 * Float(q.load(fromByteOffset: l, as: UInt8.self) & 0x0F) - min1 }
            for l in 0..<32 { y[32 + l] = d2 * Float(q.load(fromByteOffset: l, as: UInt8.self) >> 4) - min2 }
            y += 64
            q += 32
            subBlock += 2
        }
    }
}

/// `block_q5_K`: `{ ggml_half d; ggml_half dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; }`.
///
/// As Q4_K with a fifth bit per weight: bit `2k` / `2k+1` of `qh[l]` is the high bit of element l of the
/// k-th pair of sub-blocks (low / high nibble half).
public enum BlockQ5_K {
    public static let elements = QK_K
    public static let byteCount = 176
    public static let scaleOffset = 0
    public static let minScaleOffset = 2
    public static let scalesOffset = 4
    public static let highBitsOffset = 16
    public static let quantsOffset = 48

    @inlinable
    public static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = floatFromHalfBits(block.loadHalfBits(at: scaleOffset))
        let dmin = floatFromHalfBits(block.loadHalfBits(at: minScaleOffset))
        let scales = block + scalesOffset
        let qh = block + highBitsOffset
        var ql = block + quantsOffset
        var y = out
        var subBlock = 0
        var u1: UInt8 = 1, u2: UInt8 = 2
        for _ in stride(from: 0, to: QK_K, by: 64) {
            let (sc1, m1) = kQuantScaleMin(subBlock, scales)
            let d1 = d * Float(sc1), min1 = dmin * Float(m1)
            let (sc2, m2) = kQuantScaleMin(subBlock + 1, scales)
            let d2 = d * Float(sc2), min2 = dmin * Float(m2)
            for l in 0..<32 {
                let high: UInt8 = qh.load(fromByteOffset: l, as: UInt8.self) & u1 != 0 ? 16 : 0
                y[l] = d1 * Float((ql.load(fromByteOffset: l, as: UInt8.self) & 0x0F) + high) - min1
            }
            for l in 0..<32 {
                let high: UInt8 = qh.load(fromByteOffset: l, as: UInt8.self) & u2 != 0 ? 16 : 0
                y[32 + l] = d2 * Float((ql.load(fromByteOffset: l, as: UInt8.self) >> 4) + high) - min2
            }
            y += 64
            ql += 32
            subBlock += 2
            u1 <<= 2
            u2 <<= 2
        }
    }
}

/// `block_q6_K`: `{ uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; ggml_half d; }`.
///
/// Sixteen sub-blocks of 16 weights `d * scale * (q - 32)`, q 6-bit: low 4 bits in `ql`, high 2 bits in `qh`.
public enum BlockQ6_K {
    public static let elements = QK_K
    public static let byteCount = 210
    public static let lowBitsOffset = 0
    public static let highBitsOffset = 128
    public static let scalesOffset = 192
    public static let scaleOffset = 208

    @inlinable
    public static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = floatFromHalfBits(block.loadHalfBits(at: scaleOffset))
        var ql = block + lowBitsOffset
        var qh = block + highBitsOffset
        var sc = block + scalesOffset
        var y = out
        for _ in stride(from: 0, to: QK_K, by: 128) {
            for l in 0..<32 {
                let s = l / 16
                let low0 = ql.load(fromByteOffset: l, as: UInt8.self)
                let low32 = ql.load(fromByteOffset: l + 32, as: UInt8.self)
                let high = qh.load(fromByteOffset: l, as: UInt8.self)
                let q1 = Int8(bitPattern: (low0 & 0x0F) | ((high >> 0) & 3) << 4) - 32
                let q2 = Int8(bitPattern: (low32 & 0x0F) | ((high >> 2) & 3) << 4) - 32
                let q3 = Int8(bitPattern: (low0 >> 4) | ((high >> 4) & 3) << 4) - 32
                let q4 = Int8(bitPattern: (low32 >> 4) | ((high >> 6) & 3) << 4) - 32
                y[l + 0] = d * Float(sc.load(fromByteOffset: s + 0, as: Int8.self)) * Float(q1)
                y[l + 32] = d * Float(sc.load(fromByteOffset: s + 2, as: Int8.self)) * Float(q2)
                y[l + 64] = d * Float(sc.load(fromByteOffset: s + 4, as: Int8.self)) * Float(q3)
                y[l + 96] = d * Float(sc.load(fromByteOffset: s + 6, as: Int8.self)) * Float(q4)
            }
            y += 128
            ql += 64
            qh += 32
            sc += 8
        }
    }
}

/// `block_q8_K`: `{ float d; int8_t qs[256]; int16_t bsums[16]; }` — 256 weights `d * q`; `bsums` (sums of
/// each 16 quants) only serve dot products.
public enum BlockQ8_K {
    public static let elements = QK_K
    public static let byteCount = 292
    public static let scaleOffset = 0
    public static let quantsOffset = 4
    public static let sumsOffset = 260

    @inlinable
    public static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = Float(bitPattern: UInt32(littleEndian: block.loadUnaligned(fromByteOffset: scaleOffset, as: UInt32.self)))
        for j in 0..<QK_K {
            out[j] = d * Float(block.load(fromByteOffset: quantsOffset + j, as: Int8.self))
        }
    }
}

/// The 6-bit scale and min of sub-block `j` (0..<8) from the 12 packed `scales` bytes of a Q4_K/Q5_K block
/// (ggml's `get_scale_min_k4`): sub-blocks 0–3 use the low 6 bits of bytes j and j+4; sub-blocks 4–7 combine a
/// nibble of byte j+4 with the top two bits of bytes j-4 and j.
@inlinable
public func kQuantScaleMin(_ j: Int, _ scales: UnsafeRawPointer) -> (scale: UInt8, min: UInt8) {
    let q = { (i: Int) in scales.load(fromByteOffset: i, as: UInt8.self) }
    if j < 4 {
        return (q(j) & 63, q(j + 4) & 63)
    }
    return ((q(j + 4) & 0x0F) | ((q(j - 4) >> 6) << 4), (q(j + 4) >> 4) | ((q(j) >> 6) << 4))
}
