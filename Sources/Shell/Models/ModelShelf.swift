import ChatTemplates
import Engine
import Foundation
import InferenceAPI
import ModelFormats
import RemoteBackend
import ResultsCache
import Tokenizers

/// The models and tokenizers of a session, by the names `load` gave them.
///
/// Local models are registered cheaply (headers and config only, through the engine's ``ModelRegistry``) and
/// their weights load on first use; `tokenize`, `template` and `info` never load weights. A vocabulary-only GGUF
/// or a bare tokenizer file registers as a tokenizer. A remote model is a server's model behind the same
/// ``LanguageModel`` contract, probed when it is loaded. Used from the interpreter's thread only.
public final class ModelShelf {
    public let registry: ModelRegistry
    private var tokenizerFiles: [String: (path: String, files: TokenizerFiles)] = [:]
    private var tokenizers: [String: any Tokenizer] = [:]
    private var remotes: [String: RemoteModel] = [:]
    /// Where the results cache lives; `nil` until first needed, then `ResultCache.defaultPath()`.
    private let cachePath: String?
    private var cache: ResultCache?
    /// Why the results cache could not be opened; the shell warns once and runs without it.
    public private(set) var cacheProblem: String?
    private var cacheProblemReported = false

    /// - Parameter cachePath: the results cache file; by default `${ALIGNSCOPE_HOME:-~/.cache/alignscope}/cache.sqlite`,
    ///   read when a model is first used (so a test's `ALIGNSCOPE_HOME` is honoured).
    public init(registry: ModelRegistry = ModelRegistry(), cachePath: String? = nil) {
        self.registry = registry
        self.cachePath = cachePath
    }

    public enum Loaded {
        case model(RegisteredModel)
        case tokenizer(path: String)
    }

    /// Registers `path` under `name`, replacing whatever had that name.
    /// - Parameter template: one of the study's chat templates to use instead of the checkpoint's own.
    public func load(name: String, path: String, conversion: WeightConversion,
                     template: BuiltinTemplate? = nil) throws -> Loaded {
        let files: ModelFiles
        do { files = try ModelFiles.open(URL(fileURLWithPath: path)) } catch { throw EngineError("\(error)") }
        tokenizers[name] = nil
        remotes[name] = nil
        switch files {
        case .checkpoint:
            tokenizerFiles[name] = nil
            return .model(try registry.register(name: name, path: path, conversion: conversion, template: template))
        case .tokenizer(let tokenizer):
            if let template {
                throw EngineError("template=\(template.rawValue) goes with a model checkpoint; \(path) is a tokenizer only")
            }
            registry.remove(name)
            tokenizerFiles[name] = (path, tokenizer)
            return .tokenizer(path: path)
        }
    }

    /// Registers a server's model under `name` after asking the server what it serves and whether it can score
    /// (``RemoteModel/probe()``), replacing whatever had that name. An unreachable server, or one that does not
    /// serve `model`, is an error; a server that cannot score is not (it may still generate).
    public func loadRemote(name: String, url: String, model: String, apiKey: String?,
                           options: RemoteOptions) throws -> (RemoteModel, ServerCapabilities) {
        let remote = try RemoteModel(baseURL: url, model: model, apiKey: apiKey, options: options, name: name)
        let capabilities = try remote.probe()
        registry.remove(name)
        tokenizerFiles[name] = nil
        tokenizers[name] = nil
        remotes[name] = remote
        return (remote, capabilities)
    }

    /// Every name: local and remote models, and tokenizers.
    public var names: [String] { (registry.registered.map(\.name) + remotes.keys + tokenizerFiles.keys).sorted() }

    public func registration(_ name: String) -> RegisteredModel? { registry.registration(named: name) }

    /// The remote model loaded as `name`, if it is one.
    public func remote(_ name: String) -> RemoteModel? { remotes[name] }

    /// Whether `name` is a model (local or remote) that analyses can run, rather than a tokenizer or nothing.
    public func isModel(_ name: String) -> Bool { registry.registration(named: name) != nil || remotes[name] != nil }

    /// Whether `name` has a reward head (remote models are language models: the OpenAI API has no reward call).
    public func isRewardModel(_ name: String) -> Bool { registry.registration(named: name)?.isRewardModel == true }

    public func isTokenizerOnly(_ name: String) -> Bool { tokenizerFiles[name] != nil }

    /// The results cache, opened on first use; `nil` when it cannot be (``cacheProblem`` says why): a
    /// read-only home should slow a session down, not stop it.
    public func resultCache() -> ResultCache? {
        if let cache { return cache }
        guard cacheProblem == nil else { return nil }
        do { cache = try ResultCache(path: cachePath ?? ResultCache.defaultPath()) } catch { cacheProblem = "\(error)" }
        return cache
    }

    /// ``cacheProblem``, the first time only (so the shell warns once per session).
    public func unreportedCacheProblem() -> String? {
        guard let cacheProblem, !cacheProblemReported else { return nil }
        cacheProblemReported = true
        return cacheProblem
    }

    /// The tokenizer of a model or tokenizer name, built once (without loading weights).
    public func tokenizer(_ name: String) throws -> any Tokenizer {
        if let tokenizer = tokenizers[name] { return tokenizer }
        if remotes[name] != nil { throw EngineError(remoteHasNoFiles(name, "tokenizer")) }
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
        if remotes[name] != nil { throw EngineError(remoteHasNoFiles(name, "chat template")) }
        if let entry = tokenizerFiles[name] {
            source = entry.files.chatTemplate
        } else if let model = registry.registration(named: name) {
            if let chosen = model.template {
                do { return (try chosen.template(), "built-in \(chosen.rawValue) (\(chosen.provenance); chosen with template=)") } catch {
                    throw EngineError("built-in chat template \(chosen.rawValue): \(error)")
                }
            }
            source = model.checkpoint.tokenizer.chatTemplate
        } else {
            throw EngineError(unknown(name))
        }
        guard let source else {
            // As the engine does: a checkpoint without its own template runs with the study's one its name matches.
            guard let model = registry.registration(named: name),
                  let builtin = BuiltinTemplate.matching(model: model.checkpoint.location.path) else { return nil }
            do {
                return (try builtin.template(), "built-in \(builtin.rawValue) (\(builtin.provenance); the checkpoint has none)")
            } catch {
                throw EngineError("built-in chat template \(builtin.rawValue): \(error)")
            }
        }
        do {
            return (try ChatTemplate(source: source.text), Self.describe(source.origin))
        } catch {
            throw EngineError("chat template of \(name) (\(Self.describe(source.origin))): \(error)")
        }
    }

    /// A language model — a local one loading its weights on first use, or a remote one — answering from the
    /// results cache first when `cached` (every result it computes is stored there as its chunk returns).
    public func languageModel(_ name: String, cached: Bool) throws -> any LanguageModel {
        let model: any LanguageModel
        if let remote = remotes[name] {
            model = remote
        } else {
            guard let registration = registry.registration(named: name) else { throw EngineError(unknown(name)) }
            guard !registration.isRewardModel else {
                throw EngineError("\(name) is a reward model (\(registration.checkpoint.summary.architecture)); use 'reward'")
            }
            model = try registry.model(named: name)
        }
        guard cached, let cache = resultCache() else { return model }
        return CachedLanguageModel(wrapping: model, cache: cache)
    }

    /// A reward model, loading its weights on first use; answering from the results cache first when `cached`.
    public func rewardModel(_ name: String, cached: Bool) throws -> any RewardModel {
        if let remote = remotes[name] {
            throw EngineError("\(name) is a remote language model (\(remote.baseURL)): OpenAI-compatible servers have no reward call; load the reward model's files")
        }
        guard let registration = registry.registration(named: name) else { throw EngineError(unknown(name)) }
        guard registration.isRewardModel else {
            throw EngineError("\(name) has a language-model head, not a reward head; use 'score' or 'ask'")
        }
        let model = try registry.model(named: name)
        guard cached, let cache = resultCache() else { return model }
        return CachedRewardModel(wrapping: model, cache: cache)
    }

    private func remoteHasNoFiles(_ name: String, _ what: String) -> String {
        "\(name) is a remote model: its \(what) lives on the server (\(remotes[name]?.baseURL ?? "")); score, next, ask and the analyses use it there"
    }

    private func unknown(_ name: String) -> String {
        if isTokenizerOnly(name) { return "\(name) is a tokenizer without weights: load a checkpoint to run it" }
        let known = names
        let suggestion = Suggest.closest(to: name, in: known).map { " — did you mean '\($0)'?" } ?? ""
        return "no model or tokenizer '\(name)'\(suggestion)" + (known.isEmpty ? " (load one with 'load NAME PATH' or 'load NAME url=…')" : "")
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
