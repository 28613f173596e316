// The 32-element block layouts of ggml's first quantisation family (ggml-common.h) and their REFERENCE
// dequantisation, written exactly as ggml-quants.c `dequantize_row_*` computes: the same operations in the same
// order, so results are bit-identical. These are the oracle the engine's fast kernels are tested against;
// keep them plain.
//
// All multi-byte fields are little-endian and blocks are packed (no padding), so fields are read with
// `loadUnaligned`.

/// `block_q4_0`: `{ ggml_half d; uint8_t qs[16]; }` — 32 weights `d * (q - 8)`, q a 4-bit code; byte j holds
/// element j in its low nibble and element j+16 in its high nibble.
public enum BlockQ4_0 {
    public static let elements = 32
    public static let byteCount = 18
    public static let scaleOffset = 0
    public static let quantsOffset = 2

    /// Writes the block's 32 values to `out[0..<32]`.
    @inlinable
    public static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = floatFromHalfBits(block.loadHalfBits(at: scaleOffset))
        for j in 0..<16 {
            let q = block.load(fromByteOffset: quantsOffset + j, as: UInt8.self)
            let x0 = Int32(q & 0x0F) - 8
            let x1 = Int32(q >> 4) - 8
            out[j] = Float(x0) * d
            out[j + 16] = Float(x1) * d
        }
    }
}

/// `block_q4_1`: `{ ggml_half d; ggml_half m; uint8_t qs[16]; }` — 32 weights `d * q + m`, nibbles as Q4_0.
public enum BlockQ4_1 {
    public static let elements = 32
    public static let byteCount = 20
    public static let scaleOffset = 0
    public static let minOffset = 2
    public static let quantsOffset = 4

    @inlinable
    public static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = floatFromHalfBits(block.loadHalfBits(at: scaleOffset))
        let m = floatFromHalfBits(block.loadHalfBits(at: minOffset))
        for j in 0..<16 {
            let q = block.load(fromByteOffset: quantsOffset + j, as: UInt8.self)
            out[j] = Float(q & 0x0F) * d + m
            out[j + 16] = Float(q >> 4) * d + m
        }
    }
}

/// `block_q5_0`: `{ ggml_half d; uint8_t qh[4]; uint8_t qs[16]; }` — 32 weights `d * (q - 16)`, q a 5-bit code
/// whose low nibble is packed as in Q4_0 and whose fifth bit for element i is bit i of the 32-bit `qh`.
public enum BlockQ5_0 {
    public static let elements = 32
    public static let byteCount = 22
    public static let scaleOffset = 0
    public static let highBitsOffset = 2
    public static let quantsOffset = 6

    @inlinable
    public static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = floatFromHalfBits(block.loadHalfBits(at: scaleOffset))
        let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: highBitsOffset, as: UInt32.self))
        for j in 0..<16 {
            let q = block.load(fromByteOffset: quantsOffset + j, as: UInt8.self)
            let xh0 = ((qh >> UInt32(j)) << 4) & 0x10
            let xh1 = (qh >> UInt32(j + 12)) & 0x10
            let x0 = Int32(UInt32(q & 0x0F) | xh0) - 16
            let x1 = Int32(UInt32(q >> 4) | xh1) - 16
            out[j] = Float(x0) * d
            out[j + 16] = Float(x1) * d
        }
    }
}

/// `block_q5_1`: `{ ggml_half d; ggml_half m; uint8_t qh[4]; uint8_t qs[16]; }` — 32 weights `d * q + m`,
/// q a 5-bit code packed as in Q5_0.
public enum BlockQ5_1 {
    public static let elements = 32
    public static let byteCount = 24
    public static let scaleOffset = 0
    public static let minOffset = 2
    public static let highBitsOffset = 4
    public static let quantsOffset = 8

    @inlinable
    public static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = floatFromHalfBits(block.loadHalfBits(at: scaleOffset))
        let m = floatFromHalfBits(block.loadHalfBits(at: minOffset))
        let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: highBitsOffset, as: UInt32.self))
        for j in 0..<16 {
            let q = block.load(fromByteOffset: quantsOffset + j, as: UInt8.self)
            let xh0 = ((qh >> UInt32(j)) << 4) & 0x10
            let xh1 = (qh >> UInt32(j + 12)) & 0x10
            let x0 = UInt32(q & 0x0F) | xh0
            let x1 = UInt32(q >> 4) | xh1
            out[j] = Float(x0) * d + m
            out[j + 16] = Float(x1) * d + m
        }
    }
}

/// `block_q8_0`: `{ ggml_half d; int8_t qs[32]; }` — 32 weights `d * q`.
public enum BlockQ8_0 {
    public static let elements = 32
    public static let byteCount = 34
    public static let scaleOffset = 0
    public static let quantsOffset = 2

    @inlinable
    public static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = floatFromHalfBits(block.loadHalfBits(at: scaleOffset))
        for j in 0..<32 {
            out[j] = Float(block.load(fromByteOffset: quantsOffset + j, as: Int8.self)) * d
        }
    }
}

extension UnsafeRawPointer {
    /// A little-endian 16-bit field at a byte offset that need not be aligned.
    @inlinable
    func loadHalfBits(at offset: Int) -> UInt16 {
        UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
}
