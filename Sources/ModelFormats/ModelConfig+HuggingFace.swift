import Foundation
import TextFormats

extension ModelConfig {
    /// Reads an HF `config.json`.
    public init(contentsOf url: URL) throws(FormatError) {
        try self.init(json: CheckpointJSON.object(contentsOf: url), file: url.path)
    }

    /// Builds the config from a parsed `config.json` object; `file` names it in errors.
    public init(json: [String: JSONValue], file: String) throws(FormatError) {
        let reader = ConfigReader(json: json, file: file)
        let architectures = CheckpointJSON.strings(json["architectures"]) ?? []
        let modelType = json["model_type"]?.string
        let archName = architectures.first ?? ""
        switch (modelType, archName) {
        case ("llama", _), (_, "LlamaForCausalLM"), (_, "LlamaForSequenceClassification"), (_, "LlamaModel"):
            architecture = .llama
        case ("mistral", _), (_, "MistralForCausalLM"), (_, "MistralForSequenceClassification"):
            architecture = .mistral
        case ("qwen2", _), (_, "Qwen2ForCausalLM"), (_, "Qwen2ForSequenceClassification"):
            architecture = .qwen2
        default:
            throw FormatError(file: file, place: .key(modelType == nil ? "architectures" : "model_type"), kind: .unsupported,
                              "model type \(modelType ?? archName) is not supported (llama, mistral, qwen2 are)")
        }

        hiddenSize = try reader.positiveInt("hidden_size")
        intermediateSize = try reader.positiveInt("intermediate_size")
        layerCount = try reader.positiveInt("num_hidden_layers")
        attentionHeadCount = try reader.positiveInt("num_attention_heads")
        keyValueHeadCount = try reader.optionalPositiveInt("num_key_value_heads") ?? attentionHeadCount
        vocabularySize = try reader.positiveInt("vocab_size")
        guard attentionHeadCount % keyValueHeadCount == 0 else {
            throw FormatError(file: file, place: .key("num_key_value_heads"), kind: .inconsistent,
                              "\(attentionHeadCount) attention heads are not a multiple of \(keyValueHeadCount) key/value heads")
        }
        if let explicit = try reader.optionalPositiveInt("head_dim") {
            headDimension = explicit
        } else {
            guard hiddenSize % attentionHeadCount == 0 else {
                throw FormatError(file: file, place: .key("hidden_size"), kind: .inconsistent,
                                  "hidden size \(hiddenSize) is not divisible by \(attentionHeadCount) heads and no head_dim is given")
            }
            headDimension = hiddenSize / attentionHeadCount
        }
        ropeDimensionCount = headDimension
        contextLength = try reader.optionalPositiveInt("max_position_embeddings") ?? 2048
        rmsNormEpsilon = try reader.optionalDouble("rms_norm_eps") ?? 1e-6
        hiddenActivation = json["hidden_act"]?.string ?? "silu"
        tieWordEmbeddings = try reader.optionalBool("tie_word_embeddings") ?? false
        mlpBias = try reader.optionalBool("mlp_bias") ?? false
        let attentionBias = try reader.optionalBool("attention_bias") ?? false
        attentionQKVBias = architecture == .qwen2 || attentionBias
        attentionOutputBias = architecture != .qwen2 && attentionBias

        switch architecture {
        case .mistral:
            slidingWindow = try reader.optionalPositiveInt("sliding_window")
        case .qwen2:
            slidingWindow = try reader.optionalBool("use_sliding_window") == true ? try reader.optionalPositiveInt("sliding_window") : nil
        case .llama:
            slidingWindow = nil
        }

        // Rope: transformers ≥ 5 nests everything in `rope_parameters`; earlier files have `rope_theta` and
        // `rope_scaling` at the top level (with `type` or `rope_type`).
        var ropeSource = reader
        var scalingKey = "rope_scaling"
        if let parameters = json["rope_parameters"]?.object {
            ropeSource = ConfigReader(json: parameters, file: file, prefix: "rope_parameters.")
            scalingKey = ""
        }
        let nestedTheta = try ropeSource.optionalDouble("rope_theta")
        let topLevelTheta = try reader.optionalDouble("rope_theta")
        ropeTheta = nestedTheta ?? topLevelTheta ?? 10000
        let scaling: ConfigReader? = scalingKey.isEmpty ? ropeSource
            : json[scalingKey]?.object.map { ConfigReader(json: $0, file: file, prefix: "rope_scaling.") }
        ropeScaling = try scaling.map(Self.ropeScaling) ?? .none

        bosTokenID = try reader.optionalTokenIDs("bos_token_id").first
        eosTokenIDs = try reader.optionalTokenIDs("eos_token_id")
        padTokenID = try reader.optionalTokenIDs("pad_token_id").first
        torchDType = (json["torch_dtype"] ?? json["dtype"])?.string

        if archName.hasSuffix("ForSequenceClassification") {
            let labels = try reader.optionalPositiveInt("num_labels") ?? json["id2label"]?.object?.count ?? 2
            head = .sequenceClassification(labels: labels)
        } else {
            head = .languageModel
        }
    }

    private static func ropeScaling(_ reader: ConfigReader) throws(FormatError) -> RopeScaling {
        let kind = (reader.json["rope_type"] ?? reader.json["type"])?.string ?? "default"
        switch kind {
        case "default":
            return .none
        case "linear":
            return .linear(factor: try reader.requiredDouble("factor"))
        case "llama3":
            return .llama3(factor: try reader.requiredDouble("factor"),
                           lowFrequencyFactor: try reader.requiredDouble("low_freq_factor"),
                           highFrequencyFactor: try reader.requiredDouble("high_freq_factor"),
                           originalContextLength: try reader.positiveInt("original_max_position_embeddings"))
        default:
            throw FormatError(file: reader.file, place: .key(reader.prefix + "rope_type"), kind: .unsupported,
                              "rope scaling \"\(kind)\" is not supported (default, linear, llama3 are)")
        }
    }
}

/// Typed, error-reporting access to a JSON object's keys.
struct ConfigReader {
    let json: [String: JSONValue]
    let file: String
    var prefix = ""

    func fail(_ key: String, _ message: String) -> FormatError {
        FormatError(file: file, place: .key(prefix + key), kind: .malformedJSON, message)
    }

    func isAbsent(_ key: String) -> Bool { json[key]?.isNull ?? true }

    func positiveInt(_ key: String) throws(FormatError) -> Int {
        guard let value = try optionalPositiveInt(key) else { throw fail(key, "required integer is missing") }
        return value
    }

    func optionalPositiveInt(_ key: String) throws(FormatError) -> Int? {
        if isAbsent(key) { return nil }
        guard let value = CheckpointJSON.integer(json[key]), value > 0 else {
            throw fail(key, "expected a positive integer, found \(json[key].map(String.init(describing:)) ?? "nothing")")
        }
        return value
    }

    func optionalDouble(_ key: String) throws(FormatError) -> Double? {
        if isAbsent(key) { return nil }
        guard let value = json[key]?.number?.double, value.isFinite else { throw fail(key, "expected a number") }
        return value
    }

    func requiredDouble(_ key: String) throws(FormatError) -> Double {
        guard let value = try optionalDouble(key) else { throw fail(key, "required number is missing") }
        return value
    }

    func optionalBool(_ key: String) throws(FormatError) -> Bool? {
        if isAbsent(key) { return nil }
        guard let value = json[key]?.bool else { throw fail(key, "expected true or false") }
        return value
    }

    /// A token id or a list of them (`eos_token_id` may be either); absent or null gives [].
    func optionalTokenIDs(_ key: String) throws(FormatError) -> [Int] {
        if isAbsent(key) { return [] }
        if let one = CheckpointJSON.integer(json[key]), one >= 0 { return [one] }
        if let many = json[key]?.array {
            let ids = many.compactMap(CheckpointJSON.integer).filter { $0 >= 0 }
            if ids.count == many.count { return ids }
        }
        throw fail(key, "expected a token id or a list of token ids")
    }
}
