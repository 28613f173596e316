import Foundation

/// Rank statistics as scipy computes them.
public enum RankStatistics {
    /// `scipy.stats.rankdata(values, method='average')`: 1-based ranks, ties share the mean of their ranks.
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            let average = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = average }
            start = end + 1
        }
        return ranks
    }

    /// Spearman's ρ with its two-sided p-value, as `scipy.stats.spearmanr`: Pearson correlation of the average
    /// ranks; p from Student's t with n − 2 degrees of freedom, t = ρ·√((n − 2)/((1 − ρ)(1 + ρ))).
    public static func spearman(_ x: [Double], _ y: [Double]) -> (rho: Double, pValue: Double)? {
        guard x.count == y.count, x.count >= 3 else { return nil }
        let rho = pearson(averageRanks(x), averageRanks(y))
        guard rho.isFinite else { return nil }
        let degrees = Double(x.count - 2)
        let denominator = (1 - rho) * (1 + rho)
        if denominator <= 0 { return (rho, 0) }
        let t = rho * (degrees / denominator).squareRoot()
        return (rho, StudentT.twoSidedPValue(t: t, degrees: degrees))
    }

    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let meanX = x.reduce(0, +) / n
        let meanY = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for index in x.indices {
            let dx = x[index] - meanX
            let dy = y[index] - meanY
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        return sxy / (sxx * syy).squareRoot()
    }
}

/// Student's t distribution tail probabilities via the regularised incomplete beta function.
public enum StudentT {
    /// P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, 1/2).
    public static func twoSidedPValue(t: Double, degrees: Double) -> Double {
        guard t.isFinite else { return 0 }
        let x = degrees / (degrees + t * t)
        return IncompleteBeta.regularized(a: degrees / 2, b: 0.5, x: x)
    }
}

/// The regularised incomplete beta function I_x(a, b), by Lentz's continued fraction (converges to double
/// precision in tens of terms for the arguments a t-test produces).
enum IncompleteBeta {
    static func regularized(a: Double, b: Double, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let logFront = logBeta + logPowers
        let front = exp(logFront)
        // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
        if x < (a + 1) / (a + b + 2) {
            return front * continuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - front * continuedFraction(a: b, b: a, x: 1 - x) / b
    }

    private static func continuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...10_000 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            result *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return result
    }
}

/// A seeded, deterministic percentile bootstrap of the mean.
public enum Bootstrap {
    /// The 95% (or `level`) percentile interval of the mean of `values`, from `resamples` resamples drawn with a
    /// SplitMix64 generator seeded with `seed`; percentiles interpolate linearly (numpy's default).
    public static func meanInterval(_ values: [Double], resamples: Int = 1000, level: Double = 0.95,
                                    seed: UInt64 = 221) -> (low: Double, high: Double) {
        guard values.count > 1, resamples > 0 else {
            let mean = values.first ?? .nan
            return (mean, mean)
        }
        var generator = SplitMix64(seed: seed)
        var means: [Double] = []
        means.reserveCapacity(resamples)
        let count = UInt64(values.count)
        for _ in 0..<resamples {
            var sum = 0.0
            for _ in 0..<values.count { sum += values[Int(generator.next(below: count))] }
            means.append(sum / Double(values.count))
        }
        means.sort()
        let tail = (1 - level) / 2
        return (percentile(means, tail), percentile(means, 1 - tail))
    }

    /// numpy.percentile with linear interpolation on sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let weight = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * weight
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): small, fast, and the same sequence on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound without modulo bias (Lemire's method).
    public mutating func next(below bound: UInt64) -> UInt64 {
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }
}
