// The 2- and 3-bit k-quant super-blocks (ggml-common.h) and their REFERENCE dequantisation, exactly as
// ggml-quants.c `dequantize_row_q2_K` / `dequantize_row_q3_K` compute. Files labelled Q2_K, Q3_K_S/M/L use them.

/// `block_q2_K`: `{ uint8_t scales[16]; uint8_t qs[64]; ggml_half d; ggml_half dmin; }`.
///
/// Sixteen sub-blocks of 16 weights `d * (sc & 15) * q - dmin * (sc >> 4)`, q a 2-bit code; each byte of
/// `qs` holds four codes (bit pairs 0–1, 2–3, 4–5, 6–7) of four different sub-blocks.
public enum BlockQ2_K {
    public static let elements = QK_K
    public static let byteCount = 84
    public static let scalesOffset = 0
    public static let quantsOffset = 16
    public static let scaleOffset = 80
    public static let minScaleOffset = 82

    @inlinable
    public static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = floatFromHalfBits(block.loadHalfBits(at: scaleOffset))
        let dmin = floatFromHalfBits(block.loadHalfBits(at: minScaleOffset))
        var q = block + quantsOffset
        var y = out
        var subBlock = 0
        for _ in stride(from: 0, to: QK_K, by: 128) {
            var shift: UInt8 = 0
            for _ in 0..<4 {
                for half in 0..<2 {
                    let sc = block.load(fromByteOffset: scalesOffset + subBlock, as: UInt8.self)
                    subBlock += 1
                    let dl = d * Float(sc & 0x0F), ml = dmin * Float(sc >> 4)
                    for l in 0..<16 {
                        let code = Int8((q.load(fromByteOffset: 16 * half + l, as: UInt8.self) >> shift) & 3)
                        y[l] = dl * Float(code) - ml
                    }
                    y += 16
                }
                shift += 2
            }
            q += 32
        }
    }
}

/// `block_q3_K`: `{ uint8_t hmask[32]; uint8_t qs[64]; uint8_t scales[12]; ggml_half d; }`.
///
/// Sixteen sub-blocks of 16 weights `d * (scale - 32) * (q - 4·!high)`: q's low 2 bits are packed as in Q2_K,
/// its high bit is in `hmask`; the sixteen 6-bit scales are packed in 12 bytes (low nibbles in bytes 0–7,
/// high bit pairs in bytes 8–11).
public enum BlockQ3_K {
    public static let elements = QK_K
    public static let byteCount = 110
    public static let highBitsOffset = 0
    public static let quantsOffset = 32
    public static let scalesOffset = 96
    public static let scaleOffset = 108

    /// The sixteen signed scales (ggml's kmask shuffle of the 12 packed bytes, minus 32).
    @inlinable
    public static func scales(_ block: UnsafeRawPointer) -> [Int32] {
        let packed = block + scalesOffset
        let word = { (i: Int) in UInt32(littleEndian: packed.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        let kmask1: UInt32 = 0x0303_0303, kmask2: UInt32 = 0x0f0f_0f0f
        let (a0, a1, tmp) = (word(0), word(1), word(2))
        let unpacked = [(a0 & kmask2) | (((tmp >> 0) & kmask1) << 4),
                        (a1 & kmask2) | (((tmp >> 2) & kmask1) << 4),
                        ((a0 >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4),
                        ((a1 >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4)]
        return unpacked.flatMap { w in (0..<4).map { Int32(Int8(bitPattern: UInt8(truncatingIfNeeded: w >> (8 * $0)))) - 32 } }
    }

    @inlinable
    public static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = floatFromHalfBits(block.loadHalfBits(at: scaleOffset))
        let scales = scales(block)
        let hm = block + highBitsOffset
        var q = block + quantsOffset
        var y = out
        var subBlock = 0
        var mask: UInt8 = 1
        for _ in stride(from: 0, to: QK_K, by: 128) {
            var shift: UInt8 = 0
            for _ in 0..<4 {
                for half in 0..<2 {
                    let dl = d * Float(scales[subBlock])
                    subBlock += 1
                    for l in 0..<16 {
                        let low = Int8((q.load(fromByteOffset: 16 * half + l, as: UInt8.self) >> shift) & 3)
                        let high: Int8 = hm.load(fromByteOffset: 16 * half + l, as: UInt8.self) & mask != 0 ? 0 : 4
                        y[l] = dl * Float(low - high)
                    }
                    y += 16
                }
                shift += 2
                mask <<= 1
            }
            q += 32
        }
    }
}
