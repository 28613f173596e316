import Foundation

/// The GlobalOpinionsQA similarity: 1 − Jensen–Shannon distance, as `scipy.spatial.distance.jensenshannon`
/// computes it with its default natural log.
public enum OpinionSimilarity {
    /// The Jensen–Shannon distance (the square root of the divergence) between two distributions, each first
    /// renormalised to sum to 1. NaN when either sums to 0 (scipy's 0/0) or the lengths differ.
    public static func jensenShannonDistance(_ p: [Double], _ q: [Double]) -> Double {
        guard p.count == q.count, !p.isEmpty else { return .nan }
        let sumP = p.reduce(0, +)
        let sumQ = q.reduce(0, +)
        guard sumP > 0, sumQ > 0 else { return .nan }
        var divergence = 0.0
        for index in p.indices {
            let a = p[index] / sumP
            let b = q[index] / sumQ
            let m = (a + b) / 2
            divergence += relativeEntropy(a, m) + relativeEntropy(b, m)
        }
        // scipy: sqrt(js / 2); rounding can leave a tiny negative.
        return (max(divergence, 0) / 2).squareRoot()
    }

    /// 1 − JS distance.
    public static func similarity(_ model: [Double], _ country: [Double]) -> Double {
        1 - jensenShannonDistance(model, country)
    }

    /// scipy.special.rel_entr: x·log(x/y), 0 when x = 0.
    static func relativeEntropy(_ x: Double, _ y: Double) -> Double {
        if x > 0 && y > 0 { return x * log(x / y) }
        if x == 0 && y >= 0 { return 0 }
        return .infinity
    }
}
