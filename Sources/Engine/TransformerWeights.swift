import Foundation
import Kernels
import ModelFormats

/// The tensors of one decoder layer, ready for the kernels.
struct LayerWeights: Sendable {
    let attentionNorm: [Float]
    let query: WeightMatrix, key: WeightMatrix, value: WeightMatrix, output: WeightMatrix
    let queryBias: [Float]?, keyBias: [Float]?, valueBias: [Float]?, outputBias: [Float]?
    let mlpNorm: [Float]
    let gate: WeightMatrix, up: WeightMatrix, down: WeightMatrix
}

/// Memory a converted weight lives in (the original bytes stay in the map, untouched).
final class WeightBuffer: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer
    init(count: Int) { bytes = .allocate(byteCount: max(count, 1), alignment: 64) }
    deinit { bytes.deallocate() }
}

/// Every weight of a Llama-family decoder, used in place from the checkpoint's memory map (or converted
/// once on load when asked to).
struct TransformerWeights: Sendable {
    let config: ModelConfig
    let embedding: WeightMatrix
    let layers: [LayerWeights]
    let finalNorm: [Float]
    /// The LM head (the embedding itself when tied); nil for reward models.
    let languageModelHead: WeightMatrix?
    /// `score.weight` rows or `v_head.weight`, as floats; nil for language models.
    let rewardHead: [[Float]]?
    /// Bytes of weights this process holds resident: the mapped tensors plus any converted copies.
    let residentBytes: Int

    init(checkpoint: Checkpoint, conversion: WeightConversion) throws(EngineError) {
        let config = checkpoint.config
        var converted = 0, mapped = 0
        func tensor(_ name: String) throws(EngineError) -> TensorView {
            guard let view = checkpoint.tensor(name) else {
                throw EngineError("\(checkpoint.location.path): no tensor \(name)")
            }
            return view
        }
        func vector(_ name: String, count: Int) throws(EngineError) -> [Float] {
            let view = try tensor(name)
            guard view.elementCount == count, let type = view.type.ggmlType else {
                throw EngineError("\(view.data.file.path): tensor \(name) has shape \(view.shape) of \(view.type), expected \(count) floats")
            }
            var values = [Float](repeating: 0, count: count)
            do {
                try values.withUnsafeMutableBufferPointer { out throws(DequantizationError) in
                    try view.data.withUnsafeBytes { raw throws(DequantizationError) in
                        try dequantize(raw, as: type, count: count, into: out)
                    }
                }
            } catch {
                throw EngineError("\(view.data.file.path): tensor \(name): \(error)")
            }
            return values
        }
        func matrix(_ name: String, rows: Int, columns: Int, convert: Bool = true) throws(EngineError) -> WeightMatrix {
            let view = try tensor(name)
            guard view.shape == [rows, columns] else {
                throw EngineError("\(view.data.file.path): tensor \(name) has shape \(view.shape), expected [\(rows), \(columns)]")
            }
            guard let type = view.type.ggmlType else {
                throw EngineError("\(view.data.file.path): tensor \(name) is \(view.type), which the engine cannot use as a weight")
            }
            let source: WeightMatrix
            do {
                source = try WeightMatrix(type: type, rows: rows, columns: columns, bytes: view.data.bytes,
                                          owner: view.data.file)
            } catch {
                if WeightMatrix.supportedTypes.contains(type) || !convert {
                    throw EngineError("\(view.data.file.path): tensor \(name): \(error)")
                }
                // A type without a matmul kernel (Q5_K, …): dequantise it to F32 once.
                let result = try Self.convert(view, type: type, rows: rows, columns: columns, to: .f32, name: name)
                converted += result.byteCount
                return result
            }
            let target: GGMLType?
            switch conversion {
            case .none: target = nil
            case .q8_0: target = [.f32, .f16, .bf16].contains(type) && columns % 32 == 0 ? .q8_0 : nil
            case .f32: target = type == .f32 ? nil : .f32
            }
            guard convert, let target else {
                mapped += source.byteCount
                return source
            }
            let result = try Self.convert(view, type: type, rows: rows, columns: columns, to: target, name: name)
            converted += result.byteCount
            return result
        }

        let d = config.hiddenSize, heads = config.attentionHeadCount, kvHeads = config.keyValueHeadCount
        let headDim = config.headDimension, ffn = config.intermediateSize
        let qDim = heads * headDim, kvDim = kvHeads * headDim
        // Looked up row by row, and multiplied as the LM head when tied: converted like every matrix.
        embedding = try matrix("model.embed_tokens.weight", rows: config.vocabularySize, columns: d)
        var layers: [LayerWeights] = []
        for i in 0..<config.layerCount {
            let p = "model.layers.\(i)."
            layers.append(LayerWeights(
                attentionNorm: try vector(p + "input_layernorm.weight", count: d),
                query: try matrix(p + "self_attn.q_proj.weight", rows: qDim, columns: d),
                key: try matrix(p + "self_attn.k_proj.weight", rows: kvDim, columns: d),
                value: try matrix(p + "self_attn.v_proj.weight", rows: kvDim, columns: d),
                output: try matrix(p + "self_attn.o_proj.weight", rows: d, columns: qDim),
                queryBias: config.attentionQKVBias ? try vector(p + "self_attn.q_proj.bias", count: qDim) : nil,
                keyBias: config.attentionQKVBias ? try vector(p + "self_attn.k_proj.bias", count: kvDim) : nil,
                valueBias: config.attentionQKVBias ? try vector(p + "self_attn.v_proj.bias", count: kvDim) : nil,
                outputBias: config.attentionOutputBias ? try vector(p + "self_attn.o_proj.bias", count: d) : nil,
                mlpNorm: try vector(p + "post_attention_layernorm.weight", count: d),
                gate: try matrix(p + "mlp.gate_proj.weight", rows: ffn, columns: d),
                up: try matrix(p + "mlp.up_proj.weight", rows: ffn, columns: d),
                down: try matrix(p + "mlp.down_proj.weight", rows: d, columns: ffn)))
        }
        self.layers = layers
        finalNorm = try vector("model.norm.weight", count: d)
        switch config.head {
        case .languageModel:
            languageModelHead = config.tieWordEmbeddings
                ? embedding : try matrix("lm_head.weight", rows: config.vocabularySize, columns: d)
            rewardHead = nil
        case .sequenceClassification(let labels):
            languageModelHead = nil
            let flat = try vector("score.weight", count: labels * d)
            rewardHead = (0..<labels).map { Array(flat[$0 * d..<($0 + 1) * d]) }
        case .valueHead:
            languageModelHead = nil
            rewardHead = [try vector("v_head.weight", count: d)]
        }
        self.config = config
        residentBytes = mapped + converted
    }

    /// Converts a tensor to F32 or Q8_0 in new memory.
    private static func convert(_ view: TensorView, type: GGMLType, rows: Int, columns: Int, to target: GGMLType,
                                name: String) throws(EngineError) -> WeightMatrix {
        guard let rowBytes = target.byteCount(elements: columns), let sourceRowBytes = type.byteCount(elements: columns) else {
            throw EngineError("\(view.data.file.path): tensor \(name): rows of \(columns) cannot be stored as \(target)")
        }
        let buffer = WeightBuffer(count: rowBytes * rows)
        let failure = UnsafeMutablePointer<Bool>.allocate(capacity: 1)
        failure.pointee = false
        defer { failure.deallocate() }
        let source = view.data.bytes
        // Converting a 7B checkpoint is seconds of work: spread the rows over the cores.
        ThreadPool.shared.parallelRanges(rows) { range in
            let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: columns)
            defer { scratch.deallocate() }
            for r in range {
                let raw = UnsafeRawBufferPointer(rebasing: source[(r * sourceRowBytes)..<((r + 1) * sourceRowBytes)])
                do {
                    try dequantize(raw, as: type, count: columns, into: scratch)
                } catch {
                    failure.pointee = true
                    return
                }
                let destination = buffer.bytes.baseAddress! + r * rowBytes
                if target == .q8_0 {
                    quantizeRowQ8_0(scratch.baseAddress!, into: destination, count: columns)
                } else {
                    destination.copyMemory(from: scratch.baseAddress!, byteCount: columns * 4)
                }
            }
        }
        guard !failure.pointee else { throw EngineError("\(view.data.file.path): tensor \(name): cannot dequantise \(type)") }
        do {
            return try WeightMatrix(type: target, rows: rows, columns: columns,
                                    bytes: UnsafeRawBufferPointer(buffer.bytes), owner: buffer)
        } catch {
            throw EngineError("\(view.data.file.path): tensor \(name): \(error)")
        }
    }
}
