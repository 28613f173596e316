/// Elementary functions on sixteen lanes at once, for the activations and softmaxes of every layer (tens of
/// millions of exponentials per prompt, where a scalar libm call per value would cost more than the matmuls).
///
/// Each lane is computed by the same fixed sequence of IEEE operations whatever the hardware's vector width,
/// so results are identical on every path and independent of how values are grouped into vectors.
public enum VectorMath {
    /// eˣ for every lane, within 2 ulp of the correctly rounded value on [-87.3, 88]; 0 below -87.3 (where
    /// eˣ is subnormal), e⁸⁸ above 88.
    @inline(__always)
    public static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        // eˣ = 2ⁿ · eʳ with n = round(x / ln 2), r = x − n ln 2 (in two parts, exact products), |r| ≤ ln 2 / 2.
        // (Written with operations Swift lowers to vector instructions: comparisons and selects, and rounding
        // by adding 1.5 · 2²³, whose float bits then hold n.)
        let clamped = maximum(minimum(x, SIMD16(repeating: 88)), SIMD16(repeating: -87.33654))
        let shifted = clamped * 1.442695041 + 12_582_912
        let n = shifted - 12_582_912
        var r = clamped.addingProduct(n, SIMD16(repeating: -0.693359375))
        r = r.addingProduct(n, SIMD16(repeating: 2.12194440e-4))
        // Cephes' minimax polynomial for eʳ − 1 − r on that interval.
        var p = SIMD16<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let er = (p * (r * r) + r) + 1
        let exponent = (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        let result = er * unsafeBitCast(exponent, to: SIMD16<Float>.self)
        return result.replacing(with: 0, where: x .< -87.33654)
    }

    /// The larger of each pair of lanes (`pointwiseMax` handles NaNs lane by lane, in scalar code).
    @inline(__always)
    public static func maximum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        a.replacing(with: b, where: b .> a)
    }

    /// The smaller of each pair of lanes.
    @inline(__always)
    public static func minimum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        a.replacing(with: b, where: b .< a)
    }

    /// x / (1 + e⁻ˣ) for every lane (SiLU).
    @inline(__always)
    public static func silu(_ x: SIMD16<Float>) -> SIMD16<Float> {
        x / (1 + exp(-x))
    }
}
