import Foundation
import Kernels
import XCTest
@testable import ModelFormats

/// Widens a tensor's values to float32 and renders their bit patterns as hex, the form the fixtures store.
func floatBitsHex(of tensor: TensorView) throws -> String {
    let values: [Float] = try tensor.data.withUnsafeBytes { raw in
        switch tensor.type {
        case .i8: return raw.map { Float(Int8(bitPattern: $0)) }
        case .u8: return raw.map { Float($0) }
        case .i64: return (0..<tensor.elementCount).map { Float(raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
        default:
            var out = [Float](repeating: 0, count: tensor.elementCount)
            try out.withUnsafeMutableBufferPointer { try dequantize(raw, as: XCTUnwrap(tensor.type.ggmlType), count: tensor.elementCount, into: $0) }
            return out
        }
    }
    return values.map { value in
        withUnsafeBytes(of: value.bitPattern.littleEndian) { $0.map { String(format: "%02x", $0) }.joined() }
    }.joined()
}
