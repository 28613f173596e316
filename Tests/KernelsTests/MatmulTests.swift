import XCTest
@testable import Kernels

/// The matmul kernels against a naive float64 product of the reference dequantisation (the formats module's
/// `dequantize`, bit-exact to gguf-py), plus the determinism properties the engine relies on.
final class MatmulTests: XCTestCase {
    /// A random but well-formed matrix of `type`: block scales set to sane half floats, the rest random bytes.
    struct RandomMatrix {
        let matrix: WeightMatrix
        let storage: UnsafeMutableRawBufferPointer
        let dequantized: [Float]

        init(type: GGMLType, rows: Int, columns: Int, seed: UInt64) throws {
            var rng = SplitMix(seed)
            let rowBytes = try XCTUnwrap(type.byteCount(elements: columns))
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: rowBytes * rows, alignment: 64)
            self.storage = storage
            for i in 0..<storage.count { storage[i] = UInt8(truncatingIfNeeded: rng.next()) }
            func putHalf(_ offset: Int, _ value: Float) {
                let bits = halfBits(value)
                storage[offset] = UInt8(bits & 0xff)
                storage[offset + 1] = UInt8(bits >> 8)
            }
            let blocks = rows * columns / type.blockElements
            for b in 0..<blocks {
                let base = b * type.blockBytes
                switch type {
                case .f32:
                    storage.storeBytes(of: rng.float(), toByteOffset: base, as: Float.self)
                case .f16, .bf16:
                    let bits = type == .f16 ? halfBits(rng.float()) : bfloat16Bits(rng.float())
                    storage.storeBytes(of: bits, toByteOffset: base, as: UInt16.self)
                case .q4_0, .q8_0: putHalf(base, rng.float() * 0.1)
                case .q4_1: putHalf(base, rng.float() * 0.1); putHalf(base + 2, rng.float() * 0.5)
                case .q4_K: putHalf(base, rng.float() * 0.01); putHalf(base + 2, rng.float() * 0.01)
                case .q6_K: putHalf(base + 208, rng.float() * 0.01)
                default: break
                }
            }
            matrix = try WeightMatrix(type: type, rows: rows, columns: columns,
                                      bytes: UnsafeRawBufferPointer(storage), owner: nil)
            var values = [Float](repeating: 0, count: rows * columns)
            try values.withUnsafeMutableBufferPointer { out in
                try dequantize(UnsafeRawBufferPointer(storage), as: type, count: rows * columns, into: out)
            }
            dequantized = values
        }
    }

    static func activations(tokens: Int, columns: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix(seed)
        return (0..<tokens * columns).map { _ in rng.float() * 2 }
    }

    static func run(_ m: WeightMatrix, _ x: [Float], tokens: Int, pool: ThreadPool) -> [Float] {
        var y = [Float](repeating: .nan, count: tokens * m.rows)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                matmul(m, xp.baseAddress!, ldx: m.columns, tokens: tokens, into: yp.baseAddress!, ldy: m.rows,
                       pool: pool, workspace: MatmulWorkspace())
            }
        }
        return y
    }

    static let sharedPool = ThreadPool(threads: 2)
    var pool: ThreadPool { Self.sharedPool }
    let types: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q4_K, .q6_K]

    func testEveryTypeMatchesTheReferenceProduct() throws {
        for type in types {
            let rows = 37, columns = type == .q4_K || type == .q6_K ? 512 : 352 + (type.blockElements == 1 ? 5 : 0)
            let tokens = 9
            let w = try RandomMatrix(type: type, rows: rows, columns: columns, seed: 7)
            defer { w.storage.deallocate() }
            let x = Self.activations(tokens: tokens, columns: columns, seed: 11)
            let y = Self.run(w.matrix, x, tokens: tokens, pool: pool)
            // Float weights: float32 rounding only. Quantised: activations rounded to 8 bits (≤ 1/254 of each
            // block's largest value), so the error is bounded by a fraction of Σ|w||x|.
            let relative: Double = type.blockElements == 1 ? 1e-5 : 1.5e-2
            for t in 0..<tokens {
                for r in 0..<rows {
                    var exact = 0.0, magnitude = 0.0
                    for k in 0..<columns {
                        let product = Double(w.dequantized[r * columns + k]) * Double(x[t * columns + k])
                        exact += product
                        magnitude += abs(product)
                    }
                    let got = Double(y[t * rows + r])
                    XCTAssertLessThanOrEqual(abs(got - exact), relative * magnitude + 1e-6,
                                             "\(type) row \(r) token \(t): \(got) vs \(exact)")
                }
            }
        }
    }

    /// With the activation rounding replayed (per 32 or 256 values: d = max|x|/127, q = round(x/d)), the
    /// quantised kernels are exact up to float32 accumulation.
    func testQuantisedKernelsAreExactOnQuantisedActivations() throws {
        for type in types where type.blockElements > 1 {
            let rows = 23, columns = 512, tokens = 5
            let w = try RandomMatrix(type: type, rows: rows, columns: columns, seed: 21)
            defer { w.storage.deallocate() }
            let x = Self.activations(tokens: tokens, columns: columns, seed: 23)
            let y = Self.run(w.matrix, x, tokens: tokens, pool: pool)
            let group = type == .q4_K || type == .q6_K ? 256 : 32
            var rounded = x
            for start in stride(from: 0, to: x.count, by: group) {
                let amax = x[start..<start + group].map(abs).max()!
                let d = amax / 127, id: Float = d != 0 ? 1 / d : 0
                for i in start..<start + group { rounded[i] = (x[i] * id).rounded(.toNearestOrEven) * d }
            }
            for t in 0..<tokens {
                for r in 0..<rows {
                    var exact = 0.0, magnitude = 0.0
                    for k in 0..<columns {
                        let product = Double(w.dequantized[r * columns + k]) * Double(rounded[t * columns + k])
                        exact += product
                        magnitude += abs(product)
                    }
                    XCTAssertEqual(Double(y[t * rows + r]), exact, accuracy: 1e-5 * magnitude, "\(type) row \(r) token \(t)")
                }
            }
        }
    }

    func testResultsDoNotDependOnBatchThreadsOrPath() throws {
        let single = ThreadPool(threads: 1)
        for type in types {
          // 352 columns = 11 blocks: the odd last pair of the Q8 kernels.
          for columns in type == .q4_K || type == .q6_K ? [512] : [512, 352] {
            let rows = 50, tokens = 11
            let w = try RandomMatrix(type: type, rows: rows, columns: columns, seed: 3)
            defer { w.storage.deallocate() }
            let x = Self.activations(tokens: tokens, columns: columns, seed: 5)
            let batched = Self.run(w.matrix, x, tokens: tokens, pool: pool)
            XCTAssertEqual(batched, Self.run(w.matrix, x, tokens: tokens, pool: single), "\(type): thread count")
            for t in [0, 4, 10] {
                let alone = Self.run(w.matrix, Array(x[t * columns..<(t + 1) * columns]), tokens: 1, pool: pool)
                XCTAssertEqual(alone, Array(batched[t * rows..<(t + 1) * rows]), "\(type): token \(t) alone vs batched")
            }
            if vectorKernelsActive {
                forcePortableKernels(true)
                let portable = Self.run(w.matrix, x, tokens: tokens, pool: pool)
                forcePortableKernels(false)
                XCTAssertEqual(portable, batched, "\(type): portable and AVX-512 kernels differ")
            }
          }
        }
    }

    /// Activations round half to even when quantised, on both paths: with a block's largest value 127 the
    /// scale is 1, and a Q8_0 identity matrix reads the rounded values back.
    func testActivationQuantisationRoundsTiesToEvenOnBothPaths() throws {
        var storage = [UInt8](repeating: 0, count: 32 * 34)
        for r in 0..<32 {
            storage[r * 34 + 1] = 0x3c  // half 1.0
            storage[r * 34 + 2 + r] = 1
        }
        // Ties (k + 0.5) of both signs, and values a quarter off them.
        let x: [Float] = [127] + (1..<32).map { (i: Int) -> Float in
            let tie = Float(i % 8) - 3.5
            return i / 8 % 2 == 0 ? tie : tie - 0.25
        }
        let expected = x.map { $0.rounded(.toNearestOrEven) }
        for portable in [false, true] where !portable || vectorKernelsActive {
            forcePortableKernels(portable)
            defer { forcePortableKernels(false) }
            let y = try storage.withUnsafeBytes { bytes in
                let w = try WeightMatrix(type: .q8_0, rows: 32, columns: 32, bytes: bytes, owner: nil)
                return Self.run(w, x, tokens: 1, pool: pool)
            }
            XCTAssertEqual(y, expected, portable ? "portable" : "vector")
        }
    }

    func testQ8_0WeightQuantisationMatchesTheReference() throws {
        var rng = SplitMix(9)
        let x = (0..<96).map { _ in rng.float() * 3 }
        var blocks = [UInt8](repeating: 0, count: 3 * 34)
        x.withUnsafeBufferPointer { xp in
            blocks.withUnsafeMutableBytes { quantizeRowQ8_0(xp.baseAddress!, into: $0.baseAddress!, count: 96) }
        }
        var back = [Float](repeating: 0, count: 96)
        try blocks.withUnsafeBytes { raw in
            try back.withUnsafeMutableBufferPointer { try dequantize(raw, as: .q8_0, count: 96, into: $0) }
        }
        for b in 0..<3 {
            let amax = x[b * 32..<(b + 1) * 32].map(abs).max()!
            let d = Float(Float16(amax / 127))
            XCTAssertEqual(Float(Float16(bitPattern: UInt16(blocks[b * 34]) | UInt16(blocks[b * 34 + 1]) << 8)), d)
            for j in 0..<32 {
                let q = (x[b * 32 + j] * (1 / (amax / 127))).rounded(.toNearestOrAwayFromZero)
                XCTAssertEqual(back[b * 32 + j], q * d, "value \(b * 32 + j)")
            }
        }
    }

    func testThreadPoolRunsEveryPartOnce() {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 1000)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        for _ in 0..<200 {
            pool.parallelFor(1000) { counts[$0] += 1 }
        }
        XCTAssertTrue(counts.allSatisfy { $0 == 200 })
        XCTAssertEqual(ThreadPool.split(10, into: 3, granularity: 4), [0..<4, 4..<8, 8..<10])
    }
}

/// A tiny deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}
