/// The hyper-parameters of a decoder-only transformer, one type for every source: HF `config.json`
/// (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, LlamaForSequenceClassification, the Starling
/// reward model) and GGUF `llama.*`/`qwen2.*` metadata.
public struct ModelConfig: Sendable, Equatable {
    /// The decoder family: they differ only in biases and attention windows, which the fields below carry.
    public enum Architecture: String, Sendable, Equatable {
        case llama, mistral, qwen2
    }

    /// What sits on top of the final norm.
    public enum Head: Sendable, Equatable {
        /// `lm_head.weight` [vocab, hidden] (or the tied embedding).
        case languageModel
        /// `score.weight` [labels, hidden], read at the last non-pad token (LlamaForSequenceClassification).
        case sequenceClassification(labels: Int)
        /// `v_head.weight` [1, hidden]: a scalar reward per position, the Starling-RM layout.
        case valueHead
    }

    /// How positions are scaled before rotary embedding.
    public enum RopeScaling: Sendable, Equatable {
        case none
        /// Positions divided by `factor`.
        case linear(factor: Double)
        /// Llama 3.1's frequency-dependent scaling.
        case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double, originalContextLength: Int)
        /// Per-frequency divisors precomputed by llama.cpp's converter into a tensor (GGUF `rope_freqs.weight`).
        case frequencyFactors(tensor: String)
    }

    public var architecture: Architecture
    public var head: Head
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var attentionHeadCount: Int
    public var keyValueHeadCount: Int
    /// Width of each attention head (`head_dim`, else hidden size / heads).
    public var headDimension: Int
    /// Dimensions of each head that are rotated (all of them for these architectures).
    public var ropeDimensionCount: Int
    /// `max_position_embeddings` / `context_length`.
    public var contextLength: Int
    public var rmsNormEpsilon: Double
    public var ropeTheta: Double
    public var ropeScaling: RopeScaling
    /// Mistral's sliding attention window, when active.
    public var slidingWindow: Int?
    /// q/k/v projections carry biases (Qwen2; Llama with `attention_bias`).
    public var attentionQKVBias: Bool
    /// The output projection carries a bias (Llama with `attention_bias`).
    public var attentionOutputBias: Bool
    public var mlpBias: Bool
    /// The LM head reuses the token embedding.
    public var tieWordEmbeddings: Bool
    /// `hidden_act`, e.g. `silu`.
    public var hiddenActivation: String
    public var bosTokenID: Int?
    public var eosTokenIDs: [Int]
    public var padTokenID: Int?
    /// The dtype the weights were saved in, as config.json names it (`bfloat16`…), if it says.
    public var torchDType: String?

    /// Parameters of the transformer implied by the shapes (embedding, layers, norms, head), for `info`.
    public var parameterCount: Int {
        let d = hiddenSize, kv = keyValueHeadCount * headDimension, q = attentionHeadCount * headDimension
        var attention = d * q + 2 * d * kv + q * d
        if attentionQKVBias { attention += q + 2 * kv }
        if attentionOutputBias { attention += d }
        var mlp = 3 * d * intermediateSize
        if mlpBias { mlp += 2 * intermediateSize + d }
        let layer = attention + mlp + 2 * d
        let headParameters: Int
        switch head {
        case .languageModel: headParameters = tieWordEmbeddings ? 0 : vocabularySize * d
        case .sequenceClassification(let labels): headParameters = labels * d
        case .valueHead: headParameters = d
        }
        return vocabularySize * d + layerCount * layer + d + headParameters
    }
}
