import Kernels

/// How a tensor's elements are stored, across every format this module reads.
///
/// Plain numeric types are named directly; ggml's block-quantised types are `.quantized`. A GGUF F32/F16/BF16
/// tensor is `.f32`/`.f16`/`.bf16` exactly like a safetensors one, so consumers switch on one vocabulary.
public enum TensorType: Hashable, Sendable, CustomStringConvertible {
    case f32, f16, bf16, f64
    case i8, u8, i16, u16, i32, u32, i64, u64, bool
    case f8E4M3, f8E5M2
    /// A ggml block-quantised type (Q4_0 … Q8_K, IQ…): see ``Kernels/GGMLType``.
    case quantized(GGMLType)

    /// The same type seen from ggml's numbering.
    public init(_ ggml: GGMLType) {
        switch ggml {
        case .f32: self = .f32
        case .f16: self = .f16
        case .bf16: self = .bf16
        case .f64: self = .f64
        case .i8: self = .i8
        case .i16: self = .i16
        case .i32: self = .i32
        case .i64: self = .i64
        default: self = .quantized(ggml)
        }
    }

    /// safetensors' dtype names (`"F32"`, `"BF16"`, …).
    public init?(safetensorsName name: String) {
        switch name {
        case "F32": self = .f32
        case "F16": self = .f16
        case "BF16": self = .bf16
        case "F64": self = .f64
        case "I8": self = .i8
        case "U8": self = .u8
        case "I16": self = .i16
        case "U16": self = .u16
        case "I32": self = .i32
        case "U32": self = .u32
        case "I64": self = .i64
        case "U64": self = .u64
        case "BOOL": self = .bool
        case "F8_E4M3": self = .f8E4M3
        case "F8_E5M2": self = .f8E5M2
        default: return nil
        }
    }

    /// ggml's number for the type, when ggml has one (the engine's kernels and ``Kernels/dequantize(_:as:count:into:)``
    /// speak it).
    public var ggmlType: GGMLType? {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        case .f64: .f64
        case .i8: .i8
        case .i16: .i16
        case .i32: .i32
        case .i64: .i64
        case .quantized(let type): type
        default: nil
        }
    }

    /// Elements per storage block (1 except for quantised types).
    public var blockElements: Int { ggmlType?.blockElements ?? 1 }

    /// Bytes per storage block.
    public var blockBytes: Int {
        switch self {
        case .u8, .bool, .f8E4M3, .f8E5M2: 1
        case .u16: 2
        case .u32: 4
        case .u64: 8
        default: ggmlType?.blockBytes ?? 1
        }
    }

    /// Bytes `elements` values occupy, or nil when not a whole number of blocks or on overflow.
    public func byteCount(elements: Int) -> Int? {
        guard elements >= 0, elements % blockElements == 0 else { return nil }
        let (bytes, overflow) = (elements / blockElements).multipliedReportingOverflow(by: blockBytes)
        return overflow ? nil : bytes
    }

    /// Whether the engine can use tensors of this type as weights: floating point and ggml quantised blocks
    /// with a reference dequantisation, plus I8/U8 (raw bytes, e.g. 8-bit checkpoints).
    public var isSupportedWeightType: Bool {
        switch self {
        case .f32, .f16, .bf16, .i8, .u8: true
        case .quantized(let type): type.isDequantizable
        default: false
        }
    }

    public var description: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .bf16: "BF16"
        case .f64: "F64"
        case .i8: "I8"
        case .u8: "U8"
        case .i16: "I16"
        case .u16: "U16"
        case .i32: "I32"
        case .u32: "U32"
        case .i64: "I64"
        case .u64: "U64"
        case .bool: "BOOL"
        case .f8E4M3: "F8_E4M3"
        case .f8E5M2: "F8_E5M2"
        case .quantized(let type): type.description
        }
    }
}

/// A named tensor: its storage type, its shape in PyTorch order (slowest dimension first: `[rows, cols]`)
/// and a zero-copy view of its bytes in a memory-mapped file (row-major, contiguous).
public struct TensorView: Sendable {
    public let name: String
    public let type: TensorType
    public let shape: [Int]
    public let data: MappedBuffer

    public init(name: String, type: TensorType, shape: [Int], data: MappedBuffer) {
        self.name = name
        self.type = type
        self.shape = shape
        self.data = data
    }

    public var elementCount: Int { shape.reduce(1, *) }
    public var byteCount: Int { data.count }

    /// The same tensor under another name.
    public func renamed(_ newName: String) -> TensorView {
        TensorView(name: newName, type: type, shape: shape, data: data)
    }
}

/// Multiplies dimensions from an untrusted header; nil on a negative dimension or overflow.
func checkedElementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for dim in shape {
        guard dim >= 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: dim)
        guard !overflow else { return nil }
        count = product
    }
    return count
}
