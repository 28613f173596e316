/// A tensor element type as numbered by ggml (`enum ggml_type`), the numbering GGUF files store.
///
/// Every type ggml has defined is listed, so that a file using one we cannot dequantise still opens and
/// reports its tensors honestly; ``isDequantizable`` says which ones this module can turn into floats.
/// Numbers 4, 5 and 31–33 were retired by ggml and are not valid in files.
public enum GGMLType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0, f16 = 1
    case q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15
    case iq2_XXS = 16, iq2_XS = 17, iq3_XXS = 18, iq1_S = 19, iq4_NL = 20, iq3_S = 21, iq2_S = 22, iq4_XS = 23
    case i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28
    case iq1_M = 29, bf16 = 30
    case tq1_0 = 34, tq2_0 = 35, mxfp4 = 39

    /// Number of elements one block encodes (1 for plain scalar types).
    public var blockElements: Int {
        switch self {
        case .f32, .f16, .bf16, .i8, .i16, .i32, .i64, .f64: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4_NL, .mxfp4: 32
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K, .iq2_XXS, .iq2_XS, .iq3_XXS, .iq1_S, .iq3_S,
             .iq2_S, .iq4_XS, .iq1_M, .tq1_0, .tq2_0: QK_K
        }
    }

    /// Bytes one block occupies (ggml's `type_size`; `sizeof(block_…)`).
    public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .i8: 1
        case .i16: 2
        case .i32: 4
        case .i64, .f64: 8
        case .q4_0: BlockQ4_0.byteCount
        case .q4_1: BlockQ4_1.byteCount
        case .q5_0: BlockQ5_0.byteCount
        case .q5_1: BlockQ5_1.byteCount
        case .q8_0: BlockQ8_0.byteCount
        case .q8_1: 2 + 2 + 32
        case .q2_K: BlockQ2_K.byteCount
        case .q3_K: BlockQ3_K.byteCount
        case .q4_K: BlockQ4_K.byteCount
        case .q5_K: BlockQ5_K.byteCount
        case .q6_K: BlockQ6_K.byteCount
        case .q8_K: BlockQ8_K.byteCount
        case .iq2_XXS: 2 + QK_K / 4
        case .iq2_XS: 2 + QK_K / 4 + QK_K / 32
        case .iq3_XXS: 2 + QK_K / 4 + QK_K / 8
        case .iq1_S: 2 + QK_K / 8 + QK_K / 16
        case .iq4_NL: 2 + 16
        case .iq3_S: 2 + QK_K / 4 + QK_K / 8 + QK_K / 32 + 4
        case .iq2_S: 2 + QK_K / 4 + QK_K / 16
        case .iq4_XS: 2 + 2 + QK_K / 2 + QK_K / 64
        case .iq1_M: QK_K / 8 + QK_K / 16 + QK_K / 32
        case .tq1_0: 2 + 4 * 13
        case .tq2_0: 2 + 64
        case .mxfp4: 1 + 16
        }
    }

    /// Whether ``dequantize(_:as:count:into:)`` supports this type.
    public var isDequantizable: Bool {
        switch self {
        case .f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K: true
        default: false
        }
    }

    /// ggml's name for the type (`ggml_type_name`), e.g. `Q4_K`, `f16`.
    public var description: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .bf16: "BF16"
        case .f64: "F64"
        case .i8: "I8"
        case .i16: "I16"
        case .i32: "I32"
        case .i64: "I64"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q5_0: "Q5_0"
        case .q5_1: "Q5_1"
        case .q8_0: "Q8_0"
        case .q8_1: "Q8_1"
        case .q2_K: "Q2_K"
        case .q3_K: "Q3_K"
        case .q4_K: "Q4_K"
        case .q5_K: "Q5_K"
        case .q6_K: "Q6_K"
        case .q8_K: "Q8_K"
        case .iq2_XXS: "IQ2_XXS"
        case .iq2_XS: "IQ2_XS"
        case .iq3_XXS: "IQ3_XXS"
        case .iq1_S: "IQ1_S"
        case .iq4_NL: "IQ4_NL"
        case .iq3_S: "IQ3_S"
        case .iq2_S: "IQ2_S"
        case .iq4_XS: "IQ4_XS"
        case .iq1_M: "IQ1_M"
        case .tq1_0: "TQ1_0"
        case .tq2_0: "TQ2_0"
        case .mxfp4: "MXFP4"
        }
    }

    /// Bytes needed for `elements` values laid out in one row-major run of blocks, or nil when `elements` is
    /// not a whole number of blocks or the size overflows. Callers pass untrusted counts here, so it never traps.
    public func byteCount(elements: Int) -> Int? {
        guard elements >= 0, elements % blockElements == 0 else { return nil }
        let (bytes, overflow) = (elements / blockElements).multipliedReportingOverflow(by: blockBytes)
        return overflow ? nil : bytes
    }
}

/// Elements per super-block of the k-quant family (ggml's `QK_K`).
public let QK_K = 256
