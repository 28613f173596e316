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
    matmul([w], x, ldx: ldx, tokens: tokens, into: [y], ldy: [ldy], pool: pool, workspace: workspace)
}

/// Several matrices applied to the same activations (q/k/v, gate/up): the activations are quantised once
/// per activation format and all products run as one parallel job.
public func matmul(_ ws: [WeightMatrix], _ x: UnsafePointer<Float>, ldx: Int, tokens: Int,
                   into ys: [UnsafeMutablePointer<Float>], ldy: [Int],
                   pool: ThreadPool, workspace: MatmulWorkspace) {
    guard tokens > 0, !ws.isEmpty else { return }
    let k = ws[0].columns
    precondition(ws.allSatisfy { $0.columns == k } && ys.count == ws.count && ldy.count == ws.count)
    let needsQ8 = ws.contains { [.q4_0, .q4_1, .q8_0].contains($0.type) }
    let needsQ8K = ws.contains { [.q4_K, .q6_K].contains($0.type) }
    let q8Bytes = needsQ8 ? ck_q8_row_bytes(Int32(k)) : 0
    let q8KBytes = needsQ8K ? ck_q8k_row_bytes(Int32(k)) : 0
    let scratch = workspace.bytes(max(1, (q8Bytes + q8KBytes) * tokens + 64))
    let q8 = scratch, q8K = scratch + ((q8Bytes * tokens + 63) & ~63)
    if needsQ8 || needsQ8K {
        pool.parallelRanges(tokens) { range in
            let src = x + range.lowerBound * ldx
            if needsQ8 { ck_quantize_q8(src, ldx, Int32(range.count), Int32(k), q8 + range.lowerBound * q8Bytes) }
            if needsQ8K { ck_quantize_q8k(src, ldx, Int32(range.count), Int32(k), q8K + range.lowerBound * q8KBytes) }
        }
    }
    // One part per (matrix, slice of rows); slices are whole register tiles of the kernels (32 rows), about
    // two per thread and matrix.
    var parts: [(matrix: Int, rows: Range<Int>)] = []
    for (index, w) in ws.enumerated() {
        for rows in ThreadPool.split(w.rows, into: pool.threadCount * (ws.count == 1 ? 1 : 2), granularity: 32) {
            parts.append((index, rows))
        }
    }
    pool.parallelFor(parts.count) { part in
        let (index, rows) = parts[part]
        let w = ws[index], y = ys[index], ldy = ldy[index]
        switch w.type {
        case .q4_0, .q4_1, .q8_0:
            // The kernel repacks its rows once and runs every token past them.
            ck_gemm_q8(Int32(w.type.rawValue), w.base, w.rowStride, Int32(rows.lowerBound), Int32(rows.upperBound),
                       UnsafeRawPointer(q8), Int32(tokens), y, ldy, Int32(k))
            return
        default: break
        }
        var t0 = 0
        while t0 < tokens {
            let n = min(tokenBlock, tokens - t0)
            let yb = y + t0 * ldy
            switch w.type {
            case .f32: floatMatmul(F32Rows.self, w, rows: rows, x + t0 * ldx, ldx: ldx, tokens: n, yb, ldy: ldy)
            case .f16: floatMatmul(F16Rows.self, w, rows: rows, x + t0 * ldx, ldx: ldx, tokens: n, yb, ldy: ldy)
            case .bf16: floatMatmul(BF16Rows.self, w, rows: rows, x + t0 * ldx, ldx: ldx, tokens: n, yb, ldy: ldy)
            default:
                ck_gemm_q8k(Int32(w.type.rawValue), w.base, w.rowStride, Int32(rows.lowerBound), Int32(rows.upperBound),
                            UnsafeRawPointer(q8K + t0 * q8KBytes), Int32(n), yb, ldy, Int32(k))
            }
            t0 += n
        }
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
