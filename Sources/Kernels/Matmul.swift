import CKernels

/// Scratch memory a matmul reuses between calls (quantised activations). Not thread-safe: one per caller.
public final class MatmulWorkspace: @unchecked Sendable {
    private var buffer: UnsafeMutableRawPointer?
    private var capacity = 0

    public init() {}

    deinit { buffer?.deallocate() }

    /// At least `bytes` bytes, 64-byte aligned, valid until the next call.
    func bytes(_ count: Int) -> UnsafeMutableRawPointer {
        if count > capacity || buffer == nil {
            buffer?.deallocate()
            capacity = max(count, capacity * 3 / 2, 4096)
            buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        }
        return buffer!
    }
}

/// Activation rows are processed in blocks of this many tokens, so a block stays in cache while every
/// weight row passes over it once.
let tokenBlock = 64

/// y[t · ldy + r] = Σₖ W[r, k] · x[t · ldx + k] for every output row r of `w` and token t in `0..<tokens`.
///
/// Float weights multiply float activations; quantised weights multiply activations quantised to 8 bits per
/// row (as llama.cpp does), with int8 dot products and float32 accumulation. Rows are split across the pool's
/// threads; each output element's arithmetic is fixed, so the result does not depend on the thread count,
/// the number of tokens, or where a token sits in the batch.
public func matmul(_ w: WeightMatrix, _ x: UnsafePointer<Float>, ldx: Int, tokens: Int,
                   into y: UnsafeMutablePointer<Float>, ldy: Int,
                   pool: ThreadPool, workspace: MatmulWorkspace) {
    guard tokens > 0, w.rows > 0 else { return }
    let k = w.columns
    let granularity = 16
    switch w.type {
    case .f32, .f16, .bf16:
        pool.parallelRanges(w.rows, granularity: granularity) { rows in
            var t0 = 0
            while t0 < tokens {
                let n = min(tokenBlock, tokens - t0)
                let xb = x + t0 * ldx, yb = y + t0 * ldy
                switch w.type {
                case .f16: floatMatmul(F16Rows.self, w, rows: rows, xb, ldx: ldx, tokens: n, yb, ldy: ldy)
                case .bf16: floatMatmul(BF16Rows.self, w, rows: rows, xb, ldx: ldx, tokens: n, yb, ldy: ldy)
                default: floatMatmul(F32Rows.self, w, rows: rows, xb, ldx: ldx, tokens: n, yb, ldy: ldy)
                }
                t0 += n
            }
        }
    case .q4_0, .q4_1, .q8_0, .q4_K, .q6_K:
        let kQuant = w.type == .q4_K || w.type == .q6_K
        let rowBytes = kQuant ? ck_q8k_row_bytes(Int32(k)) : ck_q8_row_bytes(Int32(k))
        let xq = workspace.bytes(rowBytes * tokens)
        pool.parallelRanges(tokens) { range in
            let src = x + range.lowerBound * ldx, dst = xq + range.lowerBound * rowBytes
            if kQuant {
                ck_quantize_q8k(src, ldx, Int32(range.count), Int32(k), dst)
            } else {
                ck_quantize_q8(src, ldx, Int32(range.count), Int32(k), dst)
            }
        }
        let type = Int32(w.type.rawValue)
        pool.parallelRanges(w.rows, granularity: granularity) { rows in
            var t0 = 0
            while t0 < tokens {
                let n = min(tokenBlock, tokens - t0)
                let xb = UnsafeRawPointer(xq + t0 * rowBytes), yb = y + t0 * ldy
                if kQuant {
                    ck_gemm_q8k(type, w.base, w.rowStride, Int32(rows.lowerBound), Int32(rows.upperBound),
                                xb, Int32(n), yb, ldy, Int32(k))
                } else {
                    ck_gemm_q8(type, w.base, w.rowStride, Int32(rows.lowerBound), Int32(rows.upperBound),
                               xb, Int32(n), yb, ldy, Int32(k))
                }
                t0 += n
            }
        }
    default:
        preconditionFailure("WeightMatrix admits only supported types")
    }
}

/// Whether the C kernels run their AVX-512 VNNI implementations (else the portable ones).
public var vectorKernelsActive: Bool { ckernels_vector_path_active() != 0 }

/// Forces the portable C kernels (tests compare both paths; benchmarks report both).
public func forcePortableKernels(_ on: Bool) { ckernels_force_portable(on ? 1 : 0) }

/// Quantises `k` floats (a multiple of 32) into ggml Q8_0 blocks (34 bytes per 32 values), as ggml does.
public func quantizeRowQ8_0(_ x: UnsafePointer<Float>, into out: UnsafeMutableRawPointer, count k: Int) {
    ck_quantize_row_q8_0(x, out, Int32(k))
}
