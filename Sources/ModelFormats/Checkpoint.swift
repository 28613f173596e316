import Foundation

/// How the rows of the Q and K projections are ordered within each head, which decides the rotary pairing.
public enum RopeLayout: Sendable, Equatable {
    /// Hugging Face order: dimension i pairs with i + headDim/2 ("rotate_half", llama.cpp's NEOX mode).
    case halfSplit
    /// llama.cpp's converter permuted the rows of `llama` GGUF files so that dimension 2i pairs with 2i+1
    /// (llama.cpp's NORM mode). The weights are used as stored; the engine rotates adjacent pairs.
    case interleaved
}

/// An opened model: its config, its tensors under Hugging Face names as zero-copy views, and what else came
/// with it (tokenizer files, chat template, generation defaults).
///
/// Opening reads headers, JSON and pickles only: no tensor byte is touched, so it is fast for checkpoints of
/// any size. Every tensor the config implies is checked to exist with the right shape.
public struct Checkpoint: Sendable {
    public enum Format: String, Sendable {
        case gguf, safetensors, pytorch
    }

    /// The file or folder this was opened from.
    public let location: URL
    public let format: Format
    public let config: ModelConfig
    public let generationConfig: GenerationConfig?
    /// Every tensor, under HF names.
    public let tensors: [TensorView]
    /// How Q/K rows are ordered for rotary embedding (``RopeLayout/interleaved`` for llama-arch GGUF files).
    public let ropeLayout: RopeLayout
    /// Tokenizer material found with the weights, and the chat template source.
    public let tokenizer: TokenizerFiles
    /// The files the tensors live in (one per shard).
    public let files: [MappedFile]
    /// The GGUF file itself, for GGUF checkpoints (its metadata carries the vocabulary).
    public let gguf: GGUFFile?

    private let index: [String: Int]

    /// The tensor with HF name `name`.
    public func tensor(_ name: String) -> TensorView? {
        index[name].map { tensors[$0] }
    }

    init(location: URL, format: Format, config: ModelConfig, generationConfig: GenerationConfig?, tensors: [TensorView],
         ropeLayout: RopeLayout, tokenizer: TokenizerFiles, gguf: GGUFFile?) throws(FormatError) {
        var config = config
        var index: [String: Int] = [:]
        for (i, tensor) in tensors.enumerated() {
            if index.updateValue(i, forKey: tensor.name) != nil {
                throw FormatError(file: tensor.data.file.path, place: .tensor(tensor.name), kind: .inconsistent,
                                  "two tensors map to this name")
            }
        }
        if index["v_head.weight"] != nil, config.head == .languageModel {
            config.head = .valueHead  // Starling-RM: a Llama body with a value head, declared as LlamaForCausalLM
        }
        for expected in TensorNaming.expectedWeights(config) {
            guard let i = index[expected.name] else {
                throw FormatError(file: location.path, place: .tensor(expected.name), kind: .inconsistent,
                                  "the config implies this tensor but the checkpoint has none")
            }
            let tensor = tensors[i]
            guard tensor.shape == expected.shape else {
                throw FormatError(file: tensor.data.file.path, place: .tensor(expected.name), kind: .inconsistent,
                                  "shape \(tensor.shape) does not match the config's \(expected.shape)")
            }
        }
        self.location = location
        self.format = format
        self.config = config
        self.generationConfig = generationConfig
        self.tensors = tensors
        self.ropeLayout = ropeLayout
        self.tokenizer = tokenizer
        self.gguf = gguf
        self.index = index
        var seen = Set<ObjectIdentifier>()
        self.files = tensors.map(\.data.file).filter { seen.insert(ObjectIdentifier($0)).inserted }
    }
}

/// What a path holds: a model checkpoint, or only a tokenizer (a vocabulary-only GGUF, a bare
/// tokenizer.json/tokenizer.model, a folder with tokenizer files and no weights).
public enum ModelFiles: Sendable {
    case checkpoint(Checkpoint)
    case tokenizer(TokenizerFiles)

    /// Opens `url`: a `.gguf` file; a `.safetensors`, `.bin`, `.pt` or `.pth` file (with config.json beside it);
    /// a `*.index.json`; or a folder holding any of these plus config.json and tokenizer files.
    public static func open(_ url: URL) throws(FormatError) -> ModelFiles {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw FormatError(file: url.path, kind: .missingFile, "no such file or folder")
        }
        if isFolder.boolValue { return try openFolder(url) }

        let name = url.lastPathComponent
        switch url.pathExtension.lowercased() {
        case "gguf":
            let gguf = try GGUFFile(contentsOf: url)
            if gguf.tensors.isEmpty { return .tokenizer(TokenizerFiles.embedded(in: gguf)) }
            return .checkpoint(try openGGUF(gguf, at: url))
        case "json" where name == "tokenizer.json" || name == "tokenizer_config.json":
            var files = try TokenizerFiles.find(in: url.deletingLastPathComponent())
            if name == "tokenizer.json" { files.tokenizerJSON = url }
            return .tokenizer(files)
        case "model" where name.hasSuffix("tokenizer.model") || name.hasSuffix(".model"):
            var files = try TokenizerFiles.find(in: url.deletingLastPathComponent())
            files.sentencePieceModel = url
            return .tokenizer(files)
        case "json" where name.hasSuffix(".index.json"):
            let tensors = name.contains("safetensors")
                ? try ShardedSafetensors(index: url).tensors : try ShardedPyTorchCheckpoint(index: url).tensors
            return .checkpoint(try openWeights(tensors, format: name.contains("safetensors") ? .safetensors : .pytorch,
                                               folder: url.deletingLastPathComponent(), location: url))
        case "safetensors":
            return .checkpoint(try openWeights(try SafetensorsFile(contentsOf: url).tensors, format: .safetensors,
                                               folder: url.deletingLastPathComponent(), location: url))
        case "bin", "pt", "pth":
            return .checkpoint(try openWeights(try PyTorchCheckpoint(contentsOf: url).tensors, format: .pytorch,
                                               folder: url.deletingLastPathComponent(), location: url))
        default:
            throw FormatError(file: url.path, kind: .unsupported,
                              "not a model file (expected .gguf, .safetensors, .bin, .pt, .pth, an index.json, tokenizer.json or tokenizer.model)")
        }
    }

    static func openFolder(_ folder: URL) throws(FormatError) -> ModelFiles {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw FormatError(file: folder.path, kind: .io, "cannot list the folder")
        }
        func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
        let safetensors = names.filter { $0.hasSuffix(".safetensors") }
        let pytorch = names.filter { ($0.hasSuffix(".bin") || $0.hasSuffix(".pt") || $0.hasSuffix(".pth")) && !$0.hasPrefix("training_args") }
        let ggufs = names.filter { $0.hasSuffix(".gguf") }

        if names.contains("model.safetensors.index.json") {
            return .checkpoint(try openWeights(try ShardedSafetensors(index: url("model.safetensors.index.json")).tensors,
                                               format: .safetensors, folder: folder, location: folder))
        }
        if !safetensors.isEmpty {
            var tensors: [TensorView] = []
            for name in safetensors where name != "consolidated.safetensors" || safetensors.count == 1 {
                tensors += try SafetensorsFile(contentsOf: url(name)).tensors
            }
            return .checkpoint(try openWeights(tensors, format: .safetensors, folder: folder, location: folder))
        }
        if names.contains("pytorch_model.bin.index.json") {
            return .checkpoint(try openWeights(try ShardedPyTorchCheckpoint(index: url("pytorch_model.bin.index.json")).tensors,
                                               format: .pytorch, folder: folder, location: folder))
        }
        if !pytorch.isEmpty {
            var tensors: [TensorView] = []
            for name in pytorch { tensors += try PyTorchCheckpoint(contentsOf: url(name)).tensors }
            return .checkpoint(try openWeights(tensors, format: .pytorch, folder: folder, location: folder))
        }
        if ggufs.count == 1, let only = ggufs.first {
            return try open(url(only))
        }
        if ggufs.count > 1 {
            throw FormatError(file: folder.path, kind: .inconsistent, "several GGUF files (\(ggufs.joined(separator: ", "))): name one")
        }
        let tokenizer = try TokenizerFiles.find(in: folder)
        guard !tokenizer.isEmpty else {
            throw FormatError(file: folder.path, kind: .missingFile, "no model weights (safetensors, .bin, .gguf) or tokenizer files in this folder")
        }
        return .tokenizer(tokenizer)
    }

    static func openGGUF(_ gguf: GGUFFile, at url: URL) throws(FormatError) -> Checkpoint {
        let config = try ModelConfig(gguf: gguf)
        let tensors = gguf.tensors.map {
            TensorView(name: TensorNaming.huggingFaceName(forGGUF: $0.name), type: TensorType($0.type), shape: $0.shape, data: $0.data)
        }
        // llama.cpp's converter permutes Q/K rows of `llama` models for its adjacent-pair rope; qwen2 keeps HF order.
        let layout: RopeLayout = config.architecture == .qwen2 ? .halfSplit : .interleaved
        return try Checkpoint(location: url, format: .gguf, config: config, generationConfig: nil, tensors: tensors,
                              ropeLayout: layout, tokenizer: TokenizerFiles.embedded(in: gguf), gguf: gguf)
    }

    static func openWeights(_ tensors: [TensorView], format: Checkpoint.Format, folder: URL, location: URL) throws(FormatError) -> Checkpoint {
        let configURL = folder.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw FormatError(file: configURL.path, kind: .missingFile, "a \(format.rawValue) checkpoint needs its config.json beside it")
        }
        let config = try ModelConfig(contentsOf: configURL)
        let generationURL = folder.appendingPathComponent("generation_config.json")
        let generation = FileManager.default.fileExists(atPath: generationURL.path) ? try GenerationConfig(contentsOf: generationURL) : nil
        let renamed = tensors.map { $0.renamed(TensorNaming.huggingFaceName(forStateDictKey: $0.name)) }
        return try Checkpoint(location: location, format: format, config: config, generationConfig: generation, tensors: renamed,
                              ropeLayout: .halfSplit, tokenizer: try TokenizerFiles.find(in: folder), gguf: nil)
    }
}
