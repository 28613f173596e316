/// IEEE half precision and bfloat16 to and from single precision, as ggml converts them.
///
/// Half ↔ float uses Swift's `Float16`, which rounds to nearest, ties to even (the hardware F16C rule, and
/// numpy's). Bfloat16 is the top half of a float; ggml rounds to nearest even and quiets NaNs
/// (`ggml_compute_fp32_to_bf16`), which ``bfloat16Bits(_:)`` reproduces bit for bit.

/// The float a little-endian IEEE binary16 bit pattern encodes (exact: every half is a float).
@inlinable
public func floatFromHalfBits(_ bits: UInt16) -> Float {
    Float(Float16(bitPattern: bits))
}

/// The IEEE binary16 bit pattern nearest to `value` (ties to even; overflow gives ±infinity).
@inlinable
public func halfBits(_ value: Float) -> UInt16 {
    Float16(value).bitPattern
}

/// The float a bfloat16 bit pattern encodes (exact).
@inlinable
public func floatFromBFloat16Bits(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
}

/// The bfloat16 bit pattern nearest to `value`, ties to even; NaN stays a (quiet) NaN.
@inlinable
public func bfloat16Bits(_ value: Float) -> UInt16 {
    let u = value.bitPattern
    if u & 0x7fff_ffff > 0x7f80_0000 {
        return UInt16(truncatingIfNeeded: u >> 16) | 64
    }
    let roundingBias: UInt32 = 0x7fff + ((u >> 16) & 1)
    return UInt16(truncatingIfNeeded: (u &+ roundingBias) >> 16)
}
