/// Tensor names, brought to ONE scheme: Hugging Face transformers' (`model.layers.N.self_attn.q_proj.weight`),
/// whatever file they came from, so the engine looks weights up one way.
public enum TensorNaming {
    /// GGUF's per-block names (llama.cpp `LLM_TENSOR_NAMES`) and their HF equivalents.
    static let ggufBlockNames: [String: String] = [
        "attn_norm": "input_layernorm",
        "attn_q": "self_attn.q_proj",
        "attn_k": "self_attn.k_proj",
        "attn_v": "self_attn.v_proj",
        "attn_output": "self_attn.o_proj",
        "ffn_norm": "post_attention_layernorm",
        "ffn_gate": "mlp.gate_proj",
        "ffn_up": "mlp.up_proj",
        "ffn_down": "mlp.down_proj",
    ]

    static let ggufGlobalNames: [String: String] = [
        "token_embd.weight": "model.embed_tokens.weight",
        "output_norm.weight": "model.norm.weight",
        "output.weight": "lm_head.weight",
    ]

    /// The HF name of a GGUF tensor (`blk.3.attn_q.weight` → `model.layers.3.self_attn.q_proj.weight`);
    /// names with no HF equivalent (`rope_freqs.weight`) are kept.
    public static func huggingFaceName(forGGUF name: String) -> String {
        if let global = ggufGlobalNames[name] { return global }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "blk", let layer = Int(parts[1]), layer >= 0,
              let mapped = ggufBlockNames[String(parts[2])] else { return name }
        return "model.layers.\(layer).\(mapped).\(parts[3])"
    }

    /// The HF name of a PyTorch/safetensors tensor: DataParallel's `module.` dropped, the Starling reward
    /// model's `transformer.` body (a bare `LlamaModel`) moved under `model.`, and a bare `LlamaModel`'s
    /// `layers.…`/`embed_tokens`/`norm` given the `model.` prefix. Heads (`lm_head`, `score`, `v_head`) stay.
    public static func huggingFaceName(forStateDictKey key: String) -> String {
        var name = Substring(key)
        if name.hasPrefix("module.") { name = name.dropFirst("module.".count) }
        if name.hasPrefix("transformer.") { return "model." + name.dropFirst("transformer.".count) }
        if name.hasPrefix("layers.") || name.hasPrefix("embed_tokens.") || name.hasPrefix("norm.") { return "model." + name }
        return String(name)
    }

    /// HF names of the weights layer `layer` must have.
    static func layerWeights(_ layer: Int, _ config: ModelConfig) -> [(name: String, shape: [Int])] {
        let p = "model.layers.\(layer)."
        let d = config.hiddenSize, q = config.attentionHeadCount * config.headDimension
        let kv = config.keyValueHeadCount * config.headDimension, ffn = config.intermediateSize
        var weights: [(String, [Int])] = [
            (p + "input_layernorm.weight", [d]),
            (p + "self_attn.q_proj.weight", [q, d]),
            (p + "self_attn.k_proj.weight", [kv, d]),
            (p + "self_attn.v_proj.weight", [kv, d]),
            (p + "self_attn.o_proj.weight", [d, q]),
            (p + "post_attention_layernorm.weight", [d]),
            (p + "mlp.gate_proj.weight", [ffn, d]),
            (p + "mlp.up_proj.weight", [ffn, d]),
            (p + "mlp.down_proj.weight", [d, ffn]),
        ]
        if config.attentionQKVBias {
            weights += [(p + "self_attn.q_proj.bias", [q]), (p + "self_attn.k_proj.bias", [kv]), (p + "self_attn.v_proj.bias", [kv])]
        }
        if config.attentionOutputBias { weights.append((p + "self_attn.o_proj.bias", [d])) }
        return weights
    }

    /// HF names and shapes of every weight the config implies (for validation: the engine may then trust them).
    static func expectedWeights(_ config: ModelConfig) -> [(name: String, shape: [Int])] {
        let d = config.hiddenSize
        var weights: [(String, [Int])] = [("model.embed_tokens.weight", [config.vocabularySize, d]), ("model.norm.weight", [d])]
        for layer in 0..<config.layerCount { weights += layerWeights(layer, config) }
        switch config.head {
        case .languageModel where !config.tieWordEmbeddings: weights.append(("lm_head.weight", [config.vocabularySize, d]))
        case .languageModel: break
        case .sequenceClassification(let labels): weights.append(("score.weight", [labels, d]))
        case .valueHead: weights.append(("v_head.weight", [1, d]))
        }
        return weights
    }
}
