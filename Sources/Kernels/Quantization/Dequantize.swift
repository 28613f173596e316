/// Why a run of raw tensor bytes could not be dequantised.
public enum DequantizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// ggml defines the type but this module has no reference dequantisation for it.
    case unsupportedType(GGMLType)
    /// `count` is not a whole number of the type's blocks.
    case partialBlock(type: GGMLType, count: Int)
    /// The source holds fewer bytes than `count` values need, or the destination fewer floats.
    case bufferTooSmall(needed: Int, available: Int)

    public var description: String {
        switch self {
        case .unsupportedType(let type): "no dequantisation for ggml type \(type)"
        case .partialBlock(let type, let count):
            "\(count) values are not a whole number of \(type) blocks of \(type.blockElements)"
        case .bufferTooSmall(let needed, let available): "buffer holds \(available) bytes/values, \(needed) needed"
        }
    }
}

/// Converts the first `count` values stored as `type` in `source` into floats in `destination`, bit-exactly as
/// ggml's `dequantize_row_*` / `ggml_fp16_to_fp32_row` / `ggml_bf16_to_fp32_row` do.
///
/// The reference implementation: simple and checked (this module is built `-Ounchecked`, so every bound is
/// verified explicitly before a pointer is touched). Fast paths belong to the engine's kernels.
public func dequantize(_ source: UnsafeRawBufferPointer, as type: GGMLType, count: Int,
                       into destination: UnsafeMutableBufferPointer<Float>) throws(DequantizationError) {
    guard type.isDequantizable else { throw .unsupportedType(type) }
    guard let needed = type.byteCount(elements: count) else { throw .partialBlock(type: type, count: count) }
    guard source.count >= needed else { throw .bufferTooSmall(needed: needed, available: source.count) }
    guard destination.count >= count else { throw .bufferTooSmall(needed: count, available: destination.count) }
    guard count > 0, let src = source.baseAddress, let dst = destination.baseAddress else { return }

    let blocks = count / type.blockElements
    let step = type.blockBytes, width = type.blockElements
    let dequantizeBlock: (UnsafeRawPointer, UnsafeMutablePointer<Float>) -> Void
    switch type {
    case .f32:
        dequantizeBlock = { $1.pointee = Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
    case .f16: dequantizeBlock = { $1.pointee = floatFromHalfBits($0.loadHalfBits(at: 0)) }
    case .bf16: dequantizeBlock = { $1.pointee = floatFromBFloat16Bits($0.loadHalfBits(at: 0)) }
    case .q4_0: dequantizeBlock = BlockQ4_0.dequantize
    case .q4_1: dequantizeBlock = BlockQ4_1.dequantize
    case .q5_0: dequantizeBlock = BlockQ5_0.dequantize
    case .q5_1: dequantizeBlock = BlockQ5_1.dequantize
    case .q8_0: dequantizeBlock = BlockQ8_0.dequantize
    case .q2_K: dequantizeBlock = BlockQ2_K.dequantize
    case .q3_K: dequantizeBlock = BlockQ3_K.dequantize
    case .q4_K: dequantizeBlock = BlockQ4_K.dequantize
    case .q5_K: dequantizeBlock = BlockQ5_K.dequantize
    case .q6_K: dequantizeBlock = BlockQ6_K.dequantize
    case .q8_K: dequantizeBlock = BlockQ8_K.dequantize
    default: throw .unsupportedType(type)
    }
    for b in 0..<blocks {
        dequantizeBlock(src + b * step, dst + b * width)
    }
}
