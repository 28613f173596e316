import ChatTemplates
import Foundation
import InferenceAPI
import Kernels
import ModelFormats
import Synchronization

/// A model known by name: opened (headers, config, tokenizer files) but not necessarily loaded.
public struct RegisteredModel: Sendable {
    public let name: String
    public let path: String
    public let conversion: WeightConversion
    /// The study template chosen with `load … template=` (over the checkpoint's own), if any.
    public let template: BuiltinTemplate?
    public let checkpoint: Checkpoint
    /// Bytes the weights take once loaded (mapped in place, or converted).
    public let weightBytes: Int
    /// Bytes reserved for the KV cache of one full-context sequence (capped at 4,096 positions).
    public let cacheBytes: Int

    /// Weights + cache + 10% for activations and scratch.
    public var requiredBytes: Int { (weightBytes + cacheBytes) * 11 / 10 }

    /// Whether its head is a reward head (`reward`) rather than a language-model head (`ask`, `score`).
    public var isRewardModel: Bool { checkpoint.config.head != .languageModel }
}

/// The models of a session: registered by name cheaply (headers only), loaded on first use, and evicted least
/// recently used first when another needs the memory. A model that cannot fit even alone is refused with the
/// figures.
public final class ModelRegistry: @unchecked Sendable {
    private struct State {
        var registered: [String: RegisteredModel] = [:]
        var loaded: [String: EngineModel] = [:]
        /// Loaded names, least recently used first.
        var recency: [String] = []
    }

    private let state = Mutex(State())
    private let pool: ThreadPool
    /// Bytes models may use; nil reads /proc/meminfo at each load.
    public let memoryBudget: Int?

    public init(memoryBudget: Int? = nil, pool: ThreadPool = .shared) {
        self.memoryBudget = memoryBudget
        self.pool = pool
    }

    /// Opens `path` (headers and config only: fast for any size) and registers it as `name`, replacing any
    /// model of that name.
    @discardableResult
    public func register(name: String, path: String, conversion: WeightConversion = .none,
                         template: BuiltinTemplate? = nil) throws -> RegisteredModel {
        let files: ModelFiles
        do {
            files = try ModelFiles.open(URL(fileURLWithPath: path))
        } catch {
            throw EngineError("\(error)")
        }
        guard case .checkpoint(let checkpoint) = files else {
            throw EngineError("\(path): holds a tokenizer but no model weights")
        }
        let config = checkpoint.config
        var weightBytes = 0
        for tensor in checkpoint.tensors {
            switch (conversion, tensor.type) {
            case (.q8_0, .f32), (.q8_0, .f16), (.q8_0, .bf16):
                weightBytes += tensor.shape.count == 2 && tensor.elementCount % 32 == 0
                    ? tensor.elementCount / 32 * 34 : tensor.byteCount
            case (.f32, _) where tensor.shape.count == 2:
                weightBytes += tensor.elementCount * 4
            default:
                weightBytes += tensor.byteCount
            }
        }
        let positions = min(config.contextLength, 4096)
        let cacheBytes = 2 * config.layerCount * config.keyValueHeadCount * config.headDimension * 4 * positions
        let model = RegisteredModel(name: name, path: path, conversion: conversion, template: template, checkpoint: checkpoint,
                                    weightBytes: weightBytes, cacheBytes: cacheBytes)
        state.withLock {
            $0.registered[name] = model
            $0.loaded[name] = nil
            $0.recency.removeAll { $0 == name }
        }
        return model
    }

    /// Every registered model, by name.
    public var registered: [RegisteredModel] {
        state.withLock { $0.registered.values.sorted { $0.name < $1.name } }
    }

    /// Names of the models in memory, least recently used first.
    public var resident: [String] { state.withLock { $0.recency } }

    public func registration(named name: String) -> RegisteredModel? { state.withLock { $0.registered[name] } }

    /// Forgets a model (unloading it).
    public func remove(_ name: String) {
        state.withLock {
            $0.registered[name] = nil
            $0.loaded[name] = nil
            $0.recency.removeAll { $0 == name }
        }
    }

    /// The loaded model `name`, loading it (and evicting least recently used models) if needed.
    public func model(named name: String) throws -> EngineModel {
        try state.withLock { state throws -> EngineModel in
            guard let entry = state.registered[name] else {
                let known = state.registered.keys.sorted().joined(separator: ", ")
                throw EngineError("no model named \(name)" + (known.isEmpty ? "" : " (registered: \(known))"))
            }
            if let model = state.loaded[name] {
                state.recency.removeAll { $0 == name }
                state.recency.append(name)
                return model
            }
            let needed = entry.requiredBytes
            func available() -> Int {
                if let memoryBudget {
                    return memoryBudget - state.recency.compactMap { state.registered[$0]?.requiredBytes }.reduce(0, +)
                }
                return MemoryInfo.current().availableBytes ?? Int.max
            }
            let residentBytes = state.recency.compactMap { state.registered[$0]?.requiredBytes }.reduce(0, +)
            let ceiling = memoryBudget ?? ((MemoryInfo.current().availableBytes ?? Int.max / 2) + residentBytes)
            guard needed <= ceiling else {
                throw EngineError("\(name) needs \(formatBytes(needed)) (weights \(formatBytes(entry.weightBytes)) + KV cache \(formatBytes(entry.cacheBytes)) + 10%), but only \(formatBytes(ceiling)) can be made available on this machine")
            }
            while available() < needed, let oldest = state.recency.first {
                state.loaded[oldest] = nil
                state.recency.removeFirst()
            }
            let model = try EngineModel(name: name, checkpoint: entry.checkpoint, conversion: entry.conversion,
                                        template: entry.template, pool: pool)
            state.loaded[name] = model
            state.recency.append(name)
            return model
        }
    }
}
