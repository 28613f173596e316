import Foundation
import InferenceAPI
import RemoteBackend

/// `load NAME url=… model=…` and `info NAME` for a model on an OpenAI-compatible server.
struct RemoteLoading {
    let invocation: Invocation
    let shell: Interpreter

    /// The `load` options that only make sense with `url=`.
    static let options: [OptionSpec] = [
        OptionSpec("url", .text, "an OpenAI-compatible server's API root, http://HOST:PORT/v1 (instead of PATH)"),
        OptionSpec("model", .word, "the server's model id (default: the only one it serves)"),
        OptionSpec("key", .word, "env:VAR sends $VAR as the API key"),
        OptionSpec("concurrency", .integer, "requests in flight at once (default 8)"),
        OptionSpec("timeout", .number, "seconds one request may take (default 120)"),
        OptionSpec("retries", .integer, "retries of a failed request, with backoff (default 5)"),
    ]

    func load(_ name: String) throws {
        guard let url = invocation.option("url") else { throw invocation.usageError("expected url=") }
        if let path = invocation.operand("PATH") {
            throw invocation.usageError("give PATH or url=, not both ('\(path)')")
        }
        if invocation.option("template") != nil {
            throw invocation.usageError("template= chooses a local checkpoint's chat template; a server's model chats with the server's")
        }
        if invocation.option("quant") != nil {
            throw invocation.usageError("quant= converts local weights; a server's model runs as the server loaded it")
        }
        let defaults = RemoteOptions()
        var options = defaults
        options.concurrency = try invocation.integer("concurrency", default: defaults.concurrency)
        options.timeout = try invocation.number("timeout", default: defaults.timeout)
        options.retries = try invocation.integer("retries", default: defaults.retries)
        guard options.concurrency >= 1 else { throw invocation.usageError("concurrency= must be at least 1") }
        guard options.timeout > 0 else { throw invocation.usageError("timeout= must be more than 0 seconds") }
        guard options.retries >= 0 else { throw invocation.usageError("retries= must be 0 or more") }
        let apiKey = try self.apiKey()

        let started = ContinuousClock.now
        let model = try invocation.option("model") ?? onlyModel(at: url, apiKey: apiKey, options: options)
        let (remote, capabilities) = try invocation.running {
            try shell.services.models.loadRemote(name: name, url: url, model: model, apiKey: apiKey, options: options)
        }
        let elapsed = ContinuousClock.now - started

        let console = shell.console
        console.print("\(name): remote language model \(model) at \(remote.baseURL) (\(capabilities.server) server)")
        console.print("  serves: \(capabilities.models.isEmpty ? "(no /v1/models)" : capabilities.models.joined(separator: ", "))")
        console.print("  scoring: \(Self.scoring(capabilities))")
        if let context = capabilities.contextLength { console.print("  context: \(context) tokens") }
        console.print("  tokenizer: \(remote.identity.tokenizer)")
        console.status("probed in \(ModelCommands.milliseconds(elapsed)) ms; requests: \(options.concurrency) at a time, timeout \(String(format: "%g", options.timeout)) s, \(options.retries) retries")
    }

    func info(_ name: String, _ remote: RemoteModel) {
        var rows: [(String, String)] = [("server", remote.baseURL), ("model", remote.model)]
        if let capabilities = try? remote.probe() {
            rows.append(("server kind", capabilities.server))
            rows.append(("serves", capabilities.models.joined(separator: ", ")))
            rows.append(("scoring", Self.scoring(capabilities)))
            rows.append(("context length", capabilities.contextLength.map(ModelCommands.grouped) ?? "not stated"))
        }
        rows.append(("tokenizer", remote.identity.tokenizer))
        let options = remote.options
        rows.append(("requests", "\(options.concurrency) at a time, timeout \(String(format: "%g", options.timeout)) s, \(options.retries) retries"))
        let statistics = remote.statistics
        rows.append(("sent so far", "\(statistics.attempts) requests, \(statistics.retries) retried, \(statistics.failed) failed"))
        if shell.usesResultCache, let cache = shell.services.models.resultCache(), let stored = try? cache.count(model: remote.identity) {
            rows.append(("cached results", "\(stored) in \(cache.path)"))
        }
        let width = rows.map(\.0.count).max() ?? 0
        shell.console.print(shell.console.style.bold(name))
        for (key, value) in rows { shell.console.print("  \(key.padded(to: width))  \(value)") }
    }

    static func scoring(_ capabilities: ServerCapabilities) -> String {
        switch capabilities.scoring {
        case .echoedLogprobs(let maxTokens): "yes — prompt logprobs from /v1/completions (echo, max_tokens=\(maxTokens))"
        case .tgiPrefill: "yes — prompt logprobs from TGI's /generate (decoder_input_details)"
        case .impossible(let reason):
            "no — \(reason); ask works, score and the analyses that score do not"
        }
    }

    /// `key=env:VAR`: the key comes from the environment, never from the command line (sessions are saved).
    private func apiKey() throws -> String? {
        guard let spec = invocation.option("key") else { return nil }
        guard spec.hasPrefix("env:"), spec.count > 4 else {
            throw invocation.usageError("key= takes env:VAR (the variable holding the key), so the key is never saved in a session")
        }
        let variable = String(spec.dropFirst(4))
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw invocation.failure("key=env:\(variable): $\(variable) is not set")
        }
        return value
    }

    /// Without `model=`: the server's only model, or an error listing them.
    private func onlyModel(at url: String, apiKey: String?, options: RemoteOptions) throws -> String {
        let served = try invocation.running { try RemoteModel.listModels(baseURL: url, apiKey: apiKey, options: options) }
        guard served.count == 1, let only = served.first else {
            throw invocation.usageError(served.isEmpty ? "\(url) lists no models; name one with model="
                                                       : "\(url) serves \(served.joined(separator: ", ")); choose one with model=")
        }
        return only
    }
}
