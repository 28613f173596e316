import Foundation

/// The element-wise and per-row operations of a transformer layer. Each works on one row at a time with a
/// fixed order of operations, so a row's result never depends on the rows batched with it.
public enum VectorOps {
    /// out = x / sqrt(mean(x²) + eps) · weight (RMSNorm, float32 throughout as transformers computes it).
    public static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, epsilon: Float,
                               count n: Int, into out: UnsafeMutablePointer<Float>) {
        let scale = 1 / (sumOfSquares(x, n) / Float(n) + epsilon).squareRoot()
        for i in 0..<n { out[i] = weight[i] * (x[i] * scale) }
    }

    /// Σ xᵢ², 16 lane-partial sums then a fixed reduction.
    @inline(__always)
    static func sumOfSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            acc = acc.addingProduct(v, v)
            i += 16
        }
        var tail: Float = 0
        while i < n { tail = tail.addingProduct(x[i], x[i]); i += 1 }
        return reduceHalves(acc) + tail
    }

    /// x ← x + y.
    public static func add(_ y: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n { x[i] += y[i] }
    }

    /// gate ← silu(gate) · up, the SwiGLU of Llama's MLP.
    public static func siluMultiply(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count n: Int) {
        var i = 0
        while i + 16 <= n {
            let g = UnsafeRawPointer(gate + i).loadUnaligned(as: SIMD16<Float>.self)
            let u = UnsafeRawPointer(up + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(gate + i).storeBytes(of: VectorMath.silu(g) * u, as: SIMD16<Float>.self)
            i += 16
        }
        if i < n {
            var g = SIMD16<Float>(), u = SIMD16<Float>()
            for l in 0..<(n - i) { g[l] = gate[i + l]; u[l] = up[i + l] }
            let y = VectorMath.silu(g) * u
            for l in 0..<(n - i) { gate[i + l] = y[l] }
        }
    }

    /// In place softmax over `n` values; returns nothing. Uses the max for stability.
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        guard n > 0 else { return }
        var maximum = -Float.infinity
        for i in 0..<n { maximum = max(maximum, x[i]) }
        var sum: Float = 0
        for i in 0..<n {
            let e = Foundation.exp(x[i] - maximum)
            x[i] = e
            sum += e
        }
        let inverse = 1 / sum
        for i in 0..<n { x[i] *= inverse }
    }

    /// log Σ exp(xᵢ), in double precision for the log-probabilities the evaluations read.
    public static func logSumExp(_ x: UnsafePointer<Float>, count n: Int) -> Double {
        var maximum = -Float.infinity
        for i in 0..<n { maximum = max(maximum, x[i]) }
        var sum = 0.0
        for i in 0..<n { sum += Foundation.exp(Double(x[i] - maximum)) }
        return Double(maximum) + Foundation.log(sum)
    }

    /// Dot product with 16 lane-partial sums and a fixed reduction.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= n {
            acc = acc.addingProduct(UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self),
                                    UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self))
            i += 16
        }
        var tail: Float = 0
        while i < n { tail = tail.addingProduct(a[i], b[i]); i += 1 }
        return reduceHalves(acc) + tail
    }

    /// out ← out + a · v (a scaled row added to an accumulator row).
    @inline(__always)
    public static func addScaled(_ v: UnsafePointer<Float>, by a: Float, to out: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n { out[i] = out[i].addingProduct(a, v[i]) }
    }
}
