import ChatTemplates
import Engine
import Foundation
import InferenceAPI
import ModelFormats
import Tokenizers

/// The models and tokenizers of a session, by the names `load` gave them.
///
/// Models are registered cheaply (headers and config only, through the engine's ``ModelRegistry``) and their
/// weights load on first use; `tokenize`, `template` and `info` never load weights. A vocabulary-only GGUF or a
/// bare tokenizer file registers as a tokenizer. Used from the interpreter's thread only.
public final class ModelShelf {
    public let registry: ModelRegistry
    private var tokenizerFiles: [String: (path: String, files: TokenizerFiles)] = [:]
    private var tokenizers: [String: any Tokenizer] = [:]

    public init(registry: ModelRegistry = ModelRegistry()) { self.registry = registry }

    public enum Loaded {
        case model(RegisteredModel)
        case tokenizer(path: String)
    }

    /// Registers `path` under `name`, replacing whatever had that name.
    public func load(name: String, path: String, conversion: WeightConversion) throws -> Loaded {
        let files: ModelFiles
        do { files = try ModelFiles.open(URL(fileURLWithPath: path)) } catch { throw EngineError("\(error)") }
        tokenizers[name] = nil
        switch files {
        case .checkpoint:
            tokenizerFiles[name] = nil
            return .model(try registry.register(name: name, path: path, conversion: conversion))
        case .tokenizer(let tokenizer):
            registry.remove(name)
            tokenizerFiles[name] = (path, tokenizer)
            return .tokenizer(path: path)
        }
    }

    /// Every name: models and tokenizers.
    public var names: [String] { (registry.registered.map(\.name) + tokenizerFiles.keys).sorted() }

    public func registration(_ name: String) -> RegisteredModel? { registry.registration(named: name) }

    public func isTokenizerOnly(_ name: String) -> Bool { tokenizerFiles[name] != nil }

    /// The tokenizer of a model or tokenizer name, built once (without loading weights).
    public func tokenizer(_ name: String) throws -> any Tokenizer {
        if let tokenizer = tokenizers[name] { return tokenizer }
        let path: String
        if let entry = tokenizerFiles[name] {
            path = entry.path
        } else if let model = registry.registration(named: name) {
            path = Self.tokenizerPath(model.checkpoint)
        } else {
            throw EngineError(unknown(name))
        }
        let tokenizer: any Tokenizer
        do { tokenizer = try TokenizerLoader.load(path: path) } catch { throw EngineError("\(error)") }
        tokenizers[name] = tokenizer
        return tokenizer
    }

    /// The chat template of a name (the checkpoint's own), with where it came from.
    public func chatTemplate(_ name: String) throws -> (template: ChatTemplate, origin: String)? {
        let source: ChatTemplateSource?
        if let entry = tokenizerFiles[name] {
            source = entry.files.chatTemplate
        } else if let model = registry.registration(named: name) {
            source = model.checkpoint.tokenizer.chatTemplate
        } else {
            throw EngineError(unknown(name))
        }
        guard let source else { return nil }
        do {
            return (try ChatTemplate(source: source.text), Self.describe(source.origin))
        } catch {
            throw EngineError("chat template of \(name) (\(Self.describe(source.origin))): \(error)")
        }
    }

    /// A language model, loading its weights on first use.
    public func languageModel(_ name: String) throws -> EngineModel {
        guard let model = registry.registration(named: name) else { throw EngineError(unknown(name)) }
        guard !model.isRewardModel else {
            throw EngineError("\(name) is a reward model (\(model.checkpoint.summary.architecture)); use 'reward'")
        }
        return try registry.model(named: name)
    }

    public func rewardModel(_ name: String) throws -> EngineModel {
        guard let model = registry.registration(named: name) else { throw EngineError(unknown(name)) }
        guard model.isRewardModel else {
            throw EngineError("\(name) has a language-model head, not a reward head; use 'score' or 'ask'")
        }
        return try registry.model(named: name)
    }

    private func unknown(_ name: String) -> String {
        if isTokenizerOnly(name) { return "\(name) is a tokenizer without weights: load a checkpoint to run it" }
        let known = names
        let suggestion = Suggest.closest(to: name, in: known).map { " — did you mean '\($0)'?" } ?? ""
        return "no model or tokenizer '\(name)'\(suggestion)" + (known.isEmpty ? " (load one with 'load NAME PATH')" : "")
    }

    static func tokenizerPath(_ checkpoint: Checkpoint) -> String {
        if checkpoint.format == .gguf { return checkpoint.location.path }
        var isFolder: ObjCBool = false
        FileManager.default.fileExists(atPath: checkpoint.location.path, isDirectory: &isFolder)
        return isFolder.boolValue ? checkpoint.location.path : checkpoint.location.deletingLastPathComponent().path
    }

    static func describe(_ origin: ChatTemplateSource.Origin) -> String {
        switch origin {
        case .tokenizerConfig(let url): "chat_template in \(url.lastPathComponent)"
        case .jinjaFile(let url): url.lastPathComponent
        case .gguf: "tokenizer.chat_template in the GGUF metadata"
        }
    }
}
