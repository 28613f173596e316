import Foundation
import XCTest
@testable import Kernels

/// The attention kernels against a naive float64 softmax attention, and the property the engine relies on:
/// a query's result has the same bits alone or grouped with other queries.
final class AttentionTests: XCTestCase {
    /// A cache of `runs` (lengths) laid out as the engine's KV cache: keys in blocks of 16 positions,
    /// dimension-major; values row by row; `heads` key/value heads of `dimension`.
    struct Cache {
        let dimension: Int, heads: Int
        var keys: [[Float]] = [], values: [[Float]] = []
        var starts: [Int] = []
        var kvDimension: Int { heads * dimension }

        init(lengths: [Int], dimension: Int, heads: Int, rng: inout SplitMix) {
            self.dimension = dimension
            self.heads = heads
            var start = 0
            for length in lengths {
                let blocks = (length + 15) / 16
                // Unwritten lanes of the last block hold garbage, as in the engine.
                var k = [Float](repeating: .nan, count: blocks * 16 * heads * dimension)
                var v = [Float](repeating: 0, count: length * heads * dimension)
                for p in 0..<length {
                    for e in 0..<(heads * dimension) {
                        k[(p / 16) * 16 * heads * dimension + e * 16 + p % 16] = rng.float()
                        v[p * heads * dimension + e] = rng.float()
                    }
                }
                keys.append(k)
                values.append(v)
                starts.append(start)
                start += length
            }
        }

        func key(_ position: Int, head: Int, _ d: Int) -> Float {
            let run = starts.lastIndex { $0 <= position }!, local = position - starts[run]
            return keys[run][(local / 16) * 16 * kvDimension + (head * dimension + d) * 16 + local % 16]
        }

        func value(_ position: Int, head: Int, _ d: Int) -> Float {
            let run = starts.lastIndex { $0 <= position }!
            return values[run][(position - starts[run]) * kvDimension + head * dimension + d]
        }

        /// Runs attention for `queries` (vector, first, last) against head `head`; returns each output.
        func attend(_ queries: [([Float], Int, Int)], head: Int) -> [[Float]] {
            let scale = 1 / Float(dimension).squareRoot()
            var outputs = [[Float]](repeating: [Float](repeating: .nan, count: dimension), count: queries.count)
            let end = starts.last! + values.last!.count / kvDimension
            var scratch = [Float](repeating: 0, count: queries.count * AttentionOps.scoreStride(end: end))
            withArrayPointers(keys) { keyPointers in
                withArrayPointers(values) { valuePointers in
                    let runs = (0..<starts.count).map { i in
                        AttentionOps.Run(keys: keyPointers[i] + head * dimension * 16, values: valuePointers[i] + head * dimension,
                                         start: starts[i], count: values[i].count / kvDimension)
                    }
                    withArrayPointers(queries.map(\.0)) { vectors in
                        withMutableArrayPointers(&outputs) { outs in
                            let list = queries.indices.map { i in
                                AttentionOps.Query(vector: vectors[i], first: queries[i].1, last: queries[i].2, output: outs[i])
                            }
                            let layout = AttentionOps.Layout(dimension: dimension, keyBlockStride: 16 * kvDimension,
                                                             valueStride: kvDimension, scale: scale)
                            list.withUnsafeBufferPointer { q in
                                runs.withUnsafeBufferPointer { r in
                                    scratch.withUnsafeMutableBufferPointer { AttentionOps.attend(q, runs: r, layout: layout, scratch: $0.baseAddress!) }
                                }
                            }
                        }
                    }
                }
            }
            return outputs
        }
    }

    func testMatchesNaiveAttentionAndIgnoresGrouping() {
        var rng = SplitMix(17)
        // Runs that start off the 16-position grid (a fork of a fork), dimensions with and without a tail.
        for (dimension, lengths) in [(64, [21, 7, 30]), (24, [5, 40]), (8, [3])] {
            let heads = 2
            let cache = Cache(lengths: lengths, dimension: dimension, heads: heads, rng: &rng)
            let end = lengths.reduce(0, +)
            // Consecutive rows near the end (as prefill groups them), one with a sliding window, one early.
            var queries: [([Float], Int, Int)] = []
            for (i, last) in [end - 1, end - 2, end - 3, end - 4, end - 6, 2].map({ max(0, $0) }).enumerated() {
                let first = i == 4 ? max(0, last - 9) : 0
                queries.append(((0..<dimension).map { _ in rng.float() * 2 }, first, last))
            }
            for head in 0..<heads {
                let together = cache.attend(queries, head: head)
                for (i, query) in queries.enumerated() {
                    XCTAssertEqual(cache.attend([query], head: head)[0], together[i], "query \(i) alone vs grouped, d=\(dimension)")
                    // float64 reference
                    let scores = (query.1...query.2).map { p in
                        (0..<dimension).reduce(0.0) { $0 + Double(query.0[$1]) * Double(cache.key(p, head: head, $1)) } / Double(dimension).squareRoot()
                    }
                    let maximum = scores.max()!
                    let weights = scores.map { Foundation.exp($0 - maximum) }
                    let total = weights.reduce(0, +)
                    for d in 0..<dimension {
                        var expected = 0.0
                        for (j, p) in (query.1...query.2).enumerated() { expected += weights[j] / total * Double(cache.value(p, head: head, d)) }
                        XCTAssertEqual(Double(together[i][d]), expected, accuracy: 1e-5, "query \(i) dimension \(d)")
                    }
                }
            }
        }
    }

    func testVectorExpIsAccurate() {
        var worst = 0.0
        var x: Float = -87
        while x < 87.98 {
            var v = SIMD16<Float>()
            for i in 0..<16 { v[i] = x + Float(i) * 0.000_7 }
            let e = VectorMath.exp(v)
            for i in 0..<16 {
                let exact = Foundation.exp(Double(v[i]))
                worst = max(worst, abs(Double(e[i]) - exact) / exact)
            }
            x += 0.0113
        }
        XCTAssertLessThan(worst, 1.5e-7, "within about 2 ulp")
        XCTAssertEqual(VectorMath.exp(SIMD16(repeating: -100))[0], 0)
        XCTAssertEqual(VectorMath.exp(SIMD16(repeating: 0))[0], 1)
    }
}

/// Stable pointers to each array of `arrays` for the duration of `body`.
func withArrayPointers<R>(_ arrays: [[Float]], _ body: ([UnsafePointer<Float>]) -> R) -> R {
    let copies = arrays.map { array -> UnsafeMutablePointer<Float> in
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, array.count))
        p.initialize(from: array, count: array.count)
        return p
    }
    defer { copies.forEach { $0.deallocate() } }
    return body(copies.map { UnsafePointer($0) })
}

func withMutableArrayPointers<R>(_ arrays: inout [[Float]], _ body: ([UnsafeMutablePointer<Float>]) -> R) -> R {
    let copies = arrays.map { array -> UnsafeMutablePointer<Float> in
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, array.count))
        p.initialize(from: array, count: array.count)
        return p
    }
    defer { copies.forEach { $0.deallocate() } }
    let result = body(copies)
    for i in arrays.indices { arrays[i] = Array(UnsafeBufferPointer(start: copies[i], count: arrays[i].count)) }
    return result
}
