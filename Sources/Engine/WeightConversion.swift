/// What to do with a checkpoint's weights on load.
public enum WeightConversion: String, Sendable, CaseIterable {
    /// Use every tensor in place, in its stored type.
    case none
    /// Quantise F32/F16/BF16 matrices to ggml Q8_0 (the study ran its models in 8 bits). Quantised tensors
    /// stay as they are.
    case q8_0 = "q8_0"
    /// Dequantise every matrix to F32 (exact comparisons against float references).
    case f32
}
