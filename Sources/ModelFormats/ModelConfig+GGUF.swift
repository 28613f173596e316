extension ModelConfig {
    /// Maps GGUF metadata (`general.architecture` = `llama` or `qwen2`, and the `<arch>.*` keys llama.cpp
    /// writes) onto the same config an HF `config.json` gives.
    ///
    /// llama.cpp stores Mistral models as `llama` (with `attention.sliding_window` when set); whether the
    /// embedding is tied is read off the tensors (no `output.weight`).
    public init(gguf: GGUFFile) throws(FormatError) {
        let metadata = gguf.metadata
        let path = gguf.file.path
        guard let arch = gguf.architecture else {
            throw FormatError(file: path, place: .key("general.architecture"), kind: .inconsistent,
                              "missing (a vocabulary-only GGUF holds a tokenizer, not a model)")
        }
        func fail(_ key: String, _ kind: FormatError.Kind, _ message: String) -> FormatError {
            FormatError(file: path, place: .key(key), kind: kind, message)
        }
        func positive(_ suffix: String) throws(FormatError) -> Int? {
            let key = "\(arch).\(suffix)"
            guard let value = metadata[key] else { return nil }
            guard let int = value.int, int > 0 else {
                throw fail(key, .inconsistent, value.array != nil ? "per-layer values are not supported" : "expected a positive integer, found \(value)")
            }
            return int
        }
        func required(_ suffix: String) throws(FormatError) -> Int {
            guard let value = try positive(suffix) else { throw fail("\(arch).\(suffix)", .inconsistent, "required key is missing") }
            return value
        }
        func number(_ suffix: String) throws(FormatError) -> Double? {
            let key = "\(arch).\(suffix)"
            guard let value = metadata[key] else { return nil }
            guard let double = value.double, double.isFinite else { throw fail(key, .inconsistent, "expected a number, found \(value)") }
            return double
        }

        switch arch {
        case "llama": architecture = .llama
        case "qwen2": architecture = .qwen2
        default: throw fail("general.architecture", .unsupported, "architecture \"\(arch)\" is not supported (llama, qwen2 are)")
        }
        head = .languageModel
        hiddenSize = try required("embedding_length")
        intermediateSize = try required("feed_forward_length")
        layerCount = try required("block_count")
        attentionHeadCount = try required("attention.head_count")
        keyValueHeadCount = try positive("attention.head_count_kv") ?? attentionHeadCount
        guard attentionHeadCount % keyValueHeadCount == 0 else {
            throw fail("\(arch).attention.head_count_kv", .inconsistent, "\(attentionHeadCount) heads are not a multiple of \(keyValueHeadCount)")
        }
        if let keyLength = try positive("attention.key_length") {
            headDimension = keyLength
        } else {
            guard hiddenSize % attentionHeadCount == 0 else {
                throw fail("\(arch).embedding_length", .inconsistent, "\(hiddenSize) is not divisible by \(attentionHeadCount) heads")
            }
            headDimension = hiddenSize / attentionHeadCount
        }
        ropeDimensionCount = try positive("rope.dimension_count") ?? headDimension
        contextLength = try positive("context_length") ?? 2048
        rmsNormEpsilon = try number("attention.layer_norm_rms_epsilon") ?? 1e-6
        ropeTheta = try number("rope.freq_base") ?? 10000
        slidingWindow = try positive("attention.sliding_window")
        if let count = try positive("vocab_size") {
            vocabularySize = count
        } else if let tokens = metadata.array("tokenizer.ggml.tokens") {
            vocabularySize = tokens.count
        } else if let embedding = gguf.tensor(named: "token_embd.weight"), embedding.dimensions.count == 2 {
            vocabularySize = embedding.dimensions[1]
        } else {
            throw fail("\(arch).vocab_size", .inconsistent, "vocabulary size is missing (no vocab_size, tokens or token_embd.weight)")
        }

        let scalingType = metadata.string("\(arch).rope.scaling.type") ?? "none"
        switch scalingType {
        case "none":
            ropeScaling = gguf.tensor(named: "rope_freqs.weight") != nil ? .frequencyFactors(tensor: "rope_freqs.weight") : .none
        case "linear":
            guard let factor = try number("rope.scaling.factor"), factor > 0 else {
                throw fail("\(arch).rope.scaling.factor", .inconsistent, "linear rope scaling needs a positive factor")
            }
            ropeScaling = .linear(factor: factor)
        default:
            throw fail("\(arch).rope.scaling.type", .unsupported, "rope scaling \"\(scalingType)\" is not supported (none, linear are)")
        }

        attentionQKVBias = gguf.tensor(named: "blk.0.attn_q.bias") != nil
        attentionOutputBias = gguf.tensor(named: "blk.0.attn_output.bias") != nil
        mlpBias = gguf.tensor(named: "blk.0.ffn_up.bias") != nil
        tieWordEmbeddings = gguf.tensor(named: "output.weight") == nil
        hiddenActivation = "silu"
        bosTokenID = metadata.int("tokenizer.ggml.bos_token_id")
        eosTokenIDs = metadata.int("tokenizer.ggml.eos_token_id").map { [$0] } ?? []
        padTokenID = metadata.int("tokenizer.ggml.padding_token_id")
        torchDType = nil
    }
}
