import Foundation
import Kernels
import ModelFormats
import Synchronization

/// New tokens of one sequence to run through the model, appended to `cache`.
struct SequenceStep {
    var cache: KVCache
    var tokens: [Int]
    /// Indices into `tokens` whose outputs (logits or hidden states) are wanted.
    var outputs: [Int]
}

/// A Llama-family decoder (Llama, Mistral with its sliding window, Qwen2 with q/k/v biases) over a batch of
/// sequences of different lengths.
///
/// All new tokens of all sequences form one batch of rows for the matmuls; attention is per row, against
/// that row's own sequence. Every row's arithmetic is independent of the other rows and of the thread count,
/// so a sequence gives the same bits alone, in any batch, or continued from a shared prefix.
final class Transformer: @unchecked Sendable {
    let weights: TransformerWeights
    let config: ModelConfig
    let rope: RotaryEmbedding
    let pool: ThreadPool
    private let workspace = MatmulWorkspace()
    private let lock = Mutex<Void>(())

    init(weights: TransformerWeights, ropeLayout: RopeLayout, pool: ThreadPool = .shared) throws(EngineError) {
        self.weights = weights
        config = weights.config
        self.pool = pool
        let scaling: RotaryEmbedding.Scaling
        switch config.ropeScaling {
        case .none: scaling = .none
        case .linear(let factor): scaling = .linear(factor: factor)
        case .llama3(let factor, let low, let high, let original):
            scaling = .llama3(factor: factor, lowFrequencyFactor: low, highFrequencyFactor: high,
                              originalContext: Double(original))
        case .frequencyFactors(let tensor):
            throw EngineError("rope frequency factors (\(tensor)) are not supported yet")
        }
        guard config.ropeDimensionCount == config.headDimension else {
            throw EngineError("partial rotary embeddings (\(config.ropeDimensionCount) of \(config.headDimension) dimensions) are not supported")
        }
        guard config.hiddenActivation == "silu" else {
            throw EngineError("activation \(config.hiddenActivation) is not supported (Llama-family models use silu)")
        }
        rope = RotaryEmbedding(headDimension: config.headDimension, theta: config.ropeTheta, scaling: scaling,
                               pairing: ropeLayout == .interleaved ? .adjacent : .halves)
    }

    func makeCache(capacity: Int = 64) -> KVCache {
        KVCache(layers: config.layerCount, kvDimension: config.keyValueHeadCount * config.headDimension,
                capacity: capacity)
    }

    /// What ``forward(_:)`` returns for each requested output row, in order (sequence by sequence).
    enum Output {
        /// Final-norm hidden states, `hiddenSize` floats per output.
        case hidden
        /// LM-head logits, `vocabularySize` floats per output.
        case logits
    }

    /// Runs the steps, appends their keys/values to their caches and returns the requested outputs, flat.
    func forward(_ steps: [SequenceStep], output: Output) -> [Float] {
        lock.withLock { _ in run(steps, output: output) }
    }

    private func run(_ steps: [SequenceStep], output: Output) -> [Float] {
        let d = config.hiddenSize, heads = config.attentionHeadCount, kvHeads = config.keyValueHeadCount
        let headDim = config.headDimension, qDim = heads * headDim, kvDim = kvHeads * headDim
        let ffn = config.intermediateSize
        let n = steps.reduce(0) { $0 + $1.tokens.count }
        guard n > 0 else { return [] }

        // Row bookkeeping: which sequence and position each batch row is.
        var rowSequence = [Int](repeating: 0, count: n), rowPosition = [Int](repeating: 0, count: n)
        var outputRows: [Int] = []
        var row = 0
        for (s, step) in steps.enumerated() {
            step.cache.reserve(step.tokens.count)
            precondition(steps[..<s].allSatisfy { $0.cache !== step.cache }, "a cache appears twice in one batch")
            for i in 0..<step.tokens.count {
                rowSequence[row + i] = s
                rowPosition[row + i] = step.cache.length + i
            }
            outputRows += step.outputs.map { row + $0 }
            row += step.tokens.count
        }
        // The new positions belong to the caches from here on; each layer writes its rows before attending.
        for step in steps { step.cache.commit(step.tokens.count) }

        let x = Buffer(n * d), h = Buffer(n * d), q = Buffer(n * qDim), k = Buffer(n * kvDim), v = Buffer(n * kvDim)
        let attention = Buffer(n * qDim), projected = Buffer(n * d), gate = Buffer(n * ffn), up = Buffer(n * ffn)
        defer { [x, h, q, k, v, attention, projected, gate, up].forEach { $0.free() } }

        row = 0
        for step in steps {
            for token in step.tokens {
                weights.embedding.dequantizeRow(token, into: x.pointer + row * d)
                row += 1
            }
        }

        let epsilon = Float(config.rmsNormEpsilon)
        // Attention works on blocks of up to four consecutive rows of one sequence.
        var attentionBlocks: [(step: Int, rows: Range<Int>)] = []
        row = 0
        for (s, step) in steps.enumerated() {
            for start in stride(from: row, to: row + step.tokens.count, by: 4) {
                attentionBlocks.append((s, start..<min(start + 4, row + step.tokens.count)))
            }
            row += step.tokens.count
        }

        for (layerIndex, layer) in weights.layers.enumerated() {
            normalize(x, into: h, rows: n, weight: layer.attentionNorm, epsilon: epsilon)
            multiply([(layer.query, q, layer.queryBias), (layer.key, k, layer.keyBias), (layer.value, v, layer.valueBias)],
                     h, rows: n)

            pool.parallelFor(n) { r in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: headDim) { table in
                    let cos = table.baseAddress!, sin = cos + headDim / 2
                    rope.rotate(q.pointer + r * qDim, heads: heads, position: rowPosition[r], cos: cos, sin: sin)
                    rope.rotate(k.pointer + r * kvDim, heads: kvHeads, position: rowPosition[r], cos: cos, sin: sin)
                }
                steps[rowSequence[r]].cache.store(layer: layerIndex, position: rowPosition[r],
                                                  key: k.pointer + r * kvDim, value: v.pointer + r * kvDim)
            }
            // Every new row is in its cache now; each row attends to positions ≤ its own.
            attend(q, into: attention, layer: layerIndex, steps: steps, blocks: attentionBlocks,
                   rowPosition: rowPosition)

            multiply(layer.output, attention, rows: n, into: projected, bias: layer.outputBias)
            VectorOps.add(projected.pointer, to: x.pointer, count: n * d)

            normalize(x, into: h, rows: n, weight: layer.mlpNorm, epsilon: epsilon)
            multiply([(layer.gate, gate, nil), (layer.up, up, nil)], h, rows: n)
            pool.parallelRanges(n) { rows in
                VectorOps.siluMultiply(gate.pointer + rows.lowerBound * ffn, up.pointer + rows.lowerBound * ffn,
                                       count: rows.count * ffn)
            }
            multiply(layer.down, gate, rows: n, into: projected, bias: nil)
            VectorOps.add(projected.pointer, to: x.pointer, count: n * d)
        }
        // The final norm and head, only for the rows asked for.
        let m = outputRows.count
        guard m > 0 else { return [] }
        let normed = Buffer(m * d)
        defer { normed.free() }
        for (i, r) in outputRows.enumerated() {
            VectorOps.rmsNorm(x.pointer + r * d, weight: weights.finalNorm, epsilon: epsilon, count: d,
                              into: normed.pointer + i * d)
        }
        switch output {
        case .hidden:
            return Array(UnsafeBufferPointer(start: normed.pointer, count: m * d))
        case .logits:
            guard let head = weights.languageModelHead else { return [] }
            var logits = [Float](repeating: 0, count: m * head.rows)
            logits.withUnsafeMutableBufferPointer { out in
                matmul(head, normed.pointer, ldx: d, tokens: m, into: out.baseAddress!, ldy: head.rows,
                       pool: pool, workspace: workspace)
            }
            return logits
        }
    }

    private func normalize(_ x: Buffer, into out: Buffer, rows n: Int, weight: [Float], epsilon: Float) {
        let d = config.hiddenSize
        weight.withUnsafeBufferPointer { w in
            pool.parallelRanges(n) { rows in
                for r in rows {
                    VectorOps.rmsNorm(x.pointer + r * d, weight: w.baseAddress!, epsilon: epsilon, count: d,
                                      into: out.pointer + r * d)
                }
            }
        }
    }

    private func multiply(_ products: [(WeightMatrix, Buffer, [Float]?)], _ x: Buffer, rows n: Int) {
        matmul(products.map(\.0), x.pointer, ldx: products[0].0.columns, tokens: n, into: products.map(\.1.pointer),
               ldy: products.map(\.0.rows), pool: pool, workspace: workspace)
        for (w, y, bias) in products {
            guard let bias else { continue }
            bias.withUnsafeBufferPointer { b in
                for r in 0..<n { VectorOps.add(b.baseAddress!, to: y.pointer + r * w.rows, count: w.rows) }
            }
        }
    }

    private func multiply(_ w: WeightMatrix, _ x: Buffer, rows n: Int, into y: Buffer, bias: [Float]?) {
        matmul(w, x.pointer, ldx: w.columns, tokens: n, into: y.pointer, ldy: w.rows, pool: pool, workspace: workspace)
        if let bias {
            bias.withUnsafeBufferPointer { b in
                for r in 0..<n { VectorOps.add(b.baseAddress!, to: y.pointer + r * w.rows, count: w.rows) }
            }
        }
    }

    /// Causal (and, for Mistral, sliding-window) attention of every row and head against its sequence's cache,
    /// one part per block of rows and key/value head (the block's rows and that head's query heads together).
    private func attend(_ q: Buffer, into out: Buffer, layer: Int, steps: [SequenceStep],
                        blocks: [(step: Int, rows: Range<Int>)], rowPosition: [Int]) {
        let heads = config.attentionHeadCount, kvHeads = config.keyValueHeadCount, headDim = config.headDimension
        let kvDim = kvHeads * headDim, group = heads / kvHeads, qDim = heads * headDim
        let layout = AttentionOps.Layout(dimension: headDim, keyBlockStride: KVCache.block * kvDim, valueStride: kvDim,
                                         scale: 1 / Float(headDim).squareRoot())
        let window = config.slidingWindow
        pool.parallelFor(blocks.count * kvHeads) { part in
            let (s, rows) = blocks[part / kvHeads]
            let kvHead = part % kvHeads
            let cache = steps[s].cache
            let runs = cache.runs(layer: layer, upTo: cache.length, offset: kvHead * headDim)
            var queries: [AttentionOps.Query] = []
            queries.reserveCapacity(rows.count * group)
            for r in rows {
                let position = rowPosition[r]
                let first = window.map { max(0, position - $0 + 1) } ?? 0
                for head in (kvHead * group)..<((kvHead + 1) * group) {
                    let offset = r * qDim + head * headDim
                    queries.append(AttentionOps.Query(vector: q.pointer + offset, first: first, last: position,
                                                      output: out.pointer + offset))
                }
            }
            let stride = AttentionOps.scoreStride(end: cache.length)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: queries.count * stride) { scratch in
                queries.withUnsafeBufferPointer { queries in
                    runs.withUnsafeBufferPointer { runs in
                        AttentionOps.attend(queries, runs: runs, layout: layout, scratch: scratch.baseAddress!)
                    }
                }
            }
        }
    }
}

/// A float scratch array that outlives closures without copy-on-write: freed explicitly.
struct Buffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ count: Int) {
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }
    func free() { pointer.deallocate() }
}
