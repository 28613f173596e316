import Foundation
import InferenceAPI

/// Picks the next token from logits: greedy, or sampled with temperature, top-k and top-p from a seeded
/// generator (the same seed gives the same text).
struct Sampler {
    let options: GenerationOptions
    private var random: SplitMix64

    init(options: GenerationOptions, stream: Int) {
        self.options = options
        random = SplitMix64(seed: options.seed &+ UInt64(stream) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// The index of the largest logit (the first on ties, like torch.argmax).
    static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        for i in 1..<logits.count where logits[i] > logits[best] { best = i }
        return best
    }

    /// The `count` largest entries, largest first (ties by lower index).
    static func topIndices(_ logits: UnsafeBufferPointer<Float>, count: Int) -> [Int] {
        guard count > 0 else { return [] }
        var heap: [Int] = []  // kept sorted descending; small `count`
        for i in 0..<logits.count {
            if heap.count == count, logits[i] <= logits[heap[count - 1]] { continue }
            var position = heap.count
            while position > 0, logits[heap[position - 1]] < logits[i] { position -= 1 }
            heap.insert(i, at: position)
            if heap.count > count { heap.removeLast() }
        }
        return heap
    }

    mutating func next(_ logits: UnsafeBufferPointer<Float>) -> Int {
        guard options.temperature > 0 else { return Self.argmax(logits) }
        let limit = options.topK > 0 ? min(options.topK, logits.count) : logits.count
        let candidates = limit < logits.count ? Self.topIndices(logits, count: limit)
            : Array(0..<logits.count).sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        let temperature = options.temperature
        let maximum = Double(logits[candidates[0]])
        var weights = candidates.map { Foundation.exp((Double(logits[$0]) - maximum) / temperature) }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        var kept = weights.count
        if options.topP < 1 {
            var cumulative = 0.0
            for (i, w) in weights.enumerated() {
                cumulative += w
                if cumulative >= options.topP { kept = i + 1; break }
            }
        }
        let keptTotal = weights[..<kept].reduce(0, +)
        var target = random.nextUnit() * keptTotal
        for i in 0..<kept {
            target -= weights[i]
            if target < 0 { return candidates[i] }
        }
        return candidates[kept - 1]
    }
}

struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
