import Foundation
import InferenceAPI
import Synchronization

/// A model served by an OpenAI-compatible engine — vLLM, llama.cpp's server, llama-cpp-python, TGI, or another
/// AlignScope (`alignscope serve`) — behind the same ``LanguageModel`` contract as the in-process engine.
///
/// Scoring uses the server's own tokenizer: each text is sent to `/v1/completions` with `echo` and `logprobs`
/// and generates nothing; the prompt's token count L and the candidate's tokens after L come from the server's
/// answer (PAPER.md's mean-NLL method), and ``identity`` names the server's tokenizer. Requests run
/// ``RemoteOptions/concurrency`` at a time, are retried with backoff when the server is overloaded or gone,
/// and each has a deadline. Texts already answered in this process are not asked again, so a run interrupted
/// with Ctrl-C resumes where it stopped; across processes, wrap the model in `CachedLanguageModel`.
public final class RemoteModel: LanguageModel {
    public let baseURL: String
    /// The server's model id (`model=` of `load`).
    public let model: String
    public let options: RemoteOptions
    private let transport: HTTPTransport
    private let bridge: BlockingBridge
    private let state: Mutex<State>

    private struct State {
        var identity: ModelIdentity
        var capabilities: ServerCapabilities?
        /// Prompt logprobs already received, so a rerun after Ctrl-C re-asks nothing (bounded).
        var answered: [String: [TokenLogprob]] = [:]
    }

    private static let answeredCapacity = 50_000

    /// Checks the address and sets up the client; no request is sent until ``probe()`` or the first call.
    ///
    /// - Parameters:
    ///   - baseURL: the server's OpenAI root, e.g. `http://gpu-box:8000/v1`.
    ///   - model: the model id the server serves.
    ///   - apiKey: sent as `Authorization: Bearer …`.
    ///   - name: the session's name for the model (`load NAME …`); defaults to `model`.
    public init(baseURL: String, model: String, apiKey: String? = nil, options: RemoteOptions = RemoteOptions(),
                name: String? = nil) throws {
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            throw InferenceError.invalidInput("url=\(baseURL): expected http://HOST:PORT/v1")
        }
        guard !model.isEmpty else { throw InferenceError.invalidInput("model= is empty: name the server's model id") }
        guard options.concurrency >= 1, options.timeout > 0, options.retries >= 0 else {
            throw InferenceError.invalidInput("concurrency ≥ 1, timeout > 0 and retries ≥ 0 are required")
        }
        self.baseURL = baseURL
        self.model = model
        self.options = options
        transport = HTTPTransport(baseURL: baseURL, apiKey: apiKey, options: options)
        bridge = BlockingBridge(label: "alignscope.remote.\(host)")
        let source = "\(transport.baseURL)#\(model)"
        state = Mutex(State(identity: ModelIdentity(name: name ?? model, source: source, fingerprint: model,
                                                    tokenizer: "server tokenizer of \(model) at \(host)")))
    }

    public var identity: ModelIdentity { state.withLock { $0.identity } }

    /// One chunk keeps every request slot busy with a few requests to spare.
    public var preferredBatchSize: Int { max(1, options.concurrency * 2) }

    /// What the transport has done so far (requests, retries, failures).
    public var statistics: TransportStatistics { transport.statistics }

    // MARK: Discovery

    /// Asks the server what it serves and whether it can score; the answer is kept for the model's lifetime.
    /// Throws when the server is unreachable or does not serve ``model``; a server that cannot score is not an
    /// error here (generation may still work) — ``ServerCapabilities/scoring`` says why.
    @discardableResult
    public func probe() throws -> ServerCapabilities {
        if let known = state.withLock({ $0.capabilities }) { return known }
        let found = try bridge.run(cancellation: Cancellation(), grace: 0) { [transport, model, options] in
            try await ServerProbe(transport: transport, model: model, options: options).run()
        }
        state.withLock {
            $0.capabilities = found.capabilities
            if let tokenizer = found.tokenizer { $0.identity.tokenizer = tokenizer }
        }
        return found.capabilities
    }

    /// The model ids a server lists at `GET /v1/models`.
    public static func listModels(baseURL: String, apiKey: String? = nil,
                                  options: RemoteOptions = RemoteOptions()) throws -> [String] {
        let transport = HTTPTransport(baseURL: baseURL, apiKey: apiKey, options: options)
        let bridge = BlockingBridge(label: "alignscope.remote.models")
        return try bridge.run(cancellation: Cancellation(), grace: 0) {
            let listing = try await transport.json(.GET, "\(transport.baseURL)/models", cancellation: Cancellation())
            return try listing["data"].array().map { try $0["id"].string() }
        }
    }

    // MARK: LanguageModel

    public func score(_ requests: [ScoringRequest], method: ScoringMethod,
                      control: RunControl) throws -> [[CandidateScore]] {
        for (index, request) in requests.enumerated() where request.candidates.isEmpty {
            throw InferenceError.invalidInput("scoring request \(index) has no candidates")
        }
        var texts: [String] = []
        var seen: Set<String> = []
        for request in requests {
            for text in [request.prompt] + request.candidates.map({ request.prompt + $0 }) where seen.insert(text).inserted {
                texts.append(text)
            }
        }
        let logprobs = Dictionary(uniqueKeysWithValues: zip(texts, try promptLogprobs(texts, control: control)))
        return try requests.map { request in
            guard let promptTokens = logprobs[request.prompt] else { throw InferenceError.backend("prompt not scored") }
            let scores = try request.candidates.map { candidate in
                guard let fullTokens = logprobs[request.prompt + candidate] else {
                    throw InferenceError.backend("candidate not scored")
                }
                let score = try ContinuationScoring.score(candidate: candidate, promptTokens: promptTokens,
                                                          fullTokens: fullTokens, method: method)
                return (candidate, score.meanNLL, score.tokenCount)
            }
            return ContinuationScoring.renormalised(scores)
        }
    }

    public func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]] {
        let capabilities = try probe()
        if case .impossible(let reason) = capabilities.scoring {
            throw InferenceError.unsupported("\(identity.name) (\(transport.baseURL), model \(model)) cannot score: \(reason)")
        }
        var found: [String: [TokenLogprob]] = [:]
        var missing: [String] = []
        var pending: Set<String> = []
        state.withLock { state in
            for text in texts where found[text] == nil {
                if let known = state.answered[text] {
                    found[text] = known
                } else if pending.insert(text).inserted {
                    missing.append(text)
                }
            }
        }
        if !missing.isEmpty {
            let fetched = try run(control) { [transport, model, missing] in
                try await boundedMap(missing, limit: self.options.concurrency, cancellation: control.cancellation,
                                     progress: control.progress) { text in
                    let tokens = try await Self.fetchPromptLogprobs(text, scoring: capabilities.scoring,
                                                                    transport: transport, model: model,
                                                                    cancellation: control.cancellation)
                    // Kept as soon as it arrives: after Ctrl-C, the rerun asks only for the rest.
                    self.state.withLock { state in
                        if state.answered.count >= Self.answeredCapacity { state.answered.removeAll() }
                        state.answered[text] = tokens
                    }
                    return tokens
                }
            }
            for (text, tokens) in zip(missing, fetched) { found[text] = tokens }
        }
        return try texts.map { text in
            guard let tokens = found[text] else { throw InferenceError.backend("\(identity.name): a text was not scored") }
            return tokens
        }
    }

    public func generate(_ prompts: [String], options generation: GenerationOptions, control: RunControl,
                         onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation] {
        try run(control) { [transport, model] in
            try await boundedMap(Array(prompts.enumerated()), limit: self.options.concurrency,
                                 cancellation: control.cancellation, progress: control.progress) { index, prompt in
                let body = try CompletionBody.generation(model: model, prompt: prompt, options: generation,
                                                         stream: onToken != nil).jsonData()
                let url = "\(transport.baseURL)/completions"
                if let onToken {
                    return try await Self.stream(url, body: body, transport: transport, options: generation,
                                                 cancellation: control.cancellation, text: { $0["choices"][0]["text"] }) {
                        onToken(index, $0)
                    }
                }
                let response = try await transport.json(.POST, url, body: body, cancellation: control.cancellation)
                return try Self.generation(from: response, text: response["choices"][0]["text"], options: generation)
            }
        }
    }

    public func nextTokens(after prompt: String, top: Int) throws -> [TokenProbability] {
        let body = try CompletionBody(model: model, prompt: prompt, max_tokens: 1, logprobs: max(1, top)).jsonData()
        let response = try run(.none) { [transport] in
            try await transport.json(.POST, "\(transport.baseURL)/completions", body: body, cancellation: Cancellation())
        }
        let entries: [(text: String, id: Int, logprob: Double)]
        do {
            entries = try ResponseShapes.topLogprobs(response)
        } catch {
            throw InferenceError.backend("POST \(transport.baseURL)/completions (logprobs=\(top)): \(error)")
        }
        return entries.sorted { $0.logprob > $1.logprob }.prefix(top)
            .map { TokenProbability(id: $0.id, text: $0.text, probability: exp($0.logprob)) }
    }

    /// Renders with the server's own chat template: llama.cpp's (and AlignScope's) `/apply-template`, else
    /// vLLM's `/tokenize` + `/detokenize`.
    public func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String {
        let root = transport.rootURL
        return try run(.none) { [transport, model] in
            let cancellation = Cancellation()
            var problems: [String] = []
            if addGenerationPrompt {
                do {
                    let response = try await transport.json(.POST, "\(root)/apply-template",
                                                            body: try ApplyTemplateBody(messages: messages).jsonData(),
                                                            cancellation: cancellation, retrying: false)
                    return try response["prompt"].string()
                } catch let error as RemoteError {
                    problems.append("\(error)")
                }
            }
            do {
                let tokens = try await transport.json(.POST, "\(root)/tokenize", body: try VLLMTokenizeBody(
                    model: model, messages: messages, add_generation_prompt: addGenerationPrompt).jsonData(),
                    cancellation: cancellation, retrying: false)
                let ids = try tokens["tokens"].array().map { try $0.integer() }
                let text = try await transport.json(.POST, "\(root)/detokenize", body: try VLLMDetokenizeBody(
                    model: model, tokens: ids).jsonData(), cancellation: cancellation, retrying: false)
                return try text["prompt"].string()
            } catch let error as RemoteError {
                problems.append("\(error)")
            }
            throw InferenceError.unsupported("the server exposes no chat template (\(problems.joined(separator: "; ")))")
        }
    }

    // MARK: Chat

    /// Chat generation through `/v1/chat/completions`, where the server applies its own template.
    public func chat(_ messages: [ChatMessage], options generation: GenerationOptions, control: RunControl = .none,
                     onToken: (@Sendable (String) -> Void)? = nil) throws -> Generation {
        let body = try ChatCompletionBody(
            model: model, messages: messages, max_tokens: generation.maxTokens, temperature: generation.temperature,
            top_p: generation.topP < 1 ? generation.topP : nil, seed: generation.seed,
            stop: generation.stop.isEmpty ? nil : generation.stop, stream: onToken != nil ? true : nil,
            stream_options: onToken != nil ? CompletionBody.StreamOptions() : nil).jsonData()
        return try run(control) { [transport] in
            let url = "\(transport.baseURL)/chat/completions"
            if let onToken {
                return try await Self.stream(url, body: body, transport: transport, options: generation,
                                             cancellation: control.cancellation,
                                             text: { $0["choices"][0]["delta"]["content"] }, onPiece: onToken)
            }
            let response = try await transport.json(.POST, url, body: body, cancellation: control.cancellation)
            return try Self.generation(from: response, text: response["choices"][0]["message"]["content"],
                                       options: generation)
        }
    }

    // MARK: Internals

    /// Runs async work for a synchronous call, translating every failure into an ``InferenceError``.
    private func run<T: Sendable>(_ control: RunControl, _ work: @escaping @Sendable () async throws -> T) throws -> T {
        do {
            return try bridge.run(cancellation: control.cancellation, grace: options.cancellationGrace, work)
        } catch {
            if control.cancellation.isCancelled { throw InferenceError.cancelled }
            throw error.asInferenceError
        }
    }

    private static func fetchPromptLogprobs(_ text: String, scoring: ServerCapabilities.Scoring,
                                            transport: HTTPTransport, model: String,
                                            cancellation: Cancellation) async throws -> [TokenLogprob] {
        switch scoring {
        case .echoedLogprobs(let maxTokens):
            let url = "\(transport.baseURL)/completions"
            let body = try CompletionBody.promptLogprobs(model: model, text: text, maxTokens: maxTokens).jsonData()
            let response = try await transport.json(.POST, url, body: body, cancellation: cancellation)
            do {
                return try ResponseShapes.openAIPromptLogprobs(response, text: text)
            } catch {
                throw RemoteError.unusable(what: "POST \(url)", problem: "has no usable prompt logprobs: \(error)")
            }
        case .tgiPrefill:
            let url = "\(transport.rootURL)/generate"
            let response = try await transport.json(.POST, url, body: try TGIGenerateBody(inputs: text).jsonData(),
                                                    cancellation: cancellation)
            do {
                return try ResponseShapes.tgiPrefill(response, text: text)
            } catch {
                throw RemoteError.unusable(what: "POST \(url)", problem: "has no usable prefill details: \(error)")
            }
        case .impossible(let reason):
            throw InferenceError.unsupported(reason)
        }
    }

    private static func stream(_ url: String, body: Data, transport: HTTPTransport, options: GenerationOptions,
                               cancellation: Cancellation, text: @escaping @Sendable (JSONValue) -> JSONValue,
                               onPiece: @escaping @Sendable (String) -> Void) async throws -> Generation {
        let collected = Mutex((text: "", pieces: 0, finish: JSONValue?.none, usage: Int?.none))
        try await transport.events(url, body: body, cancellation: cancellation) { event in
            if let piece = text(event).optionalString, !piece.isEmpty {
                collected.withLock { $0.text += piece; $0.pieces += 1 }
                onPiece(piece)
            }
            let choice = event["choices"][0]
            if !choice["finish_reason"].isNull { collected.withLock { $0.finish = choice } }
            if let tokens = event["usage"]["completion_tokens"].optionalInteger { collected.withLock { $0.usage = tokens } }
        }
        let result = collected.withLock { $0 }
        return Generation(text: result.text, tokenCount: result.usage ?? result.pieces,
                          finishReason: finishReason(result.finish, options: options))
    }

    private static func generation(from response: JSONValue, text: JSONValue, options: GenerationOptions) throws -> Generation {
        let content: String
        do { content = try text.string() } catch {
            throw RemoteError.unusable(what: "completion", problem: "has no text: \(error)")
        }
        return Generation(text: content, tokenCount: response["usage"]["completion_tokens"].optionalInteger ?? 0,
                          finishReason: finishReason(response["choices"][0], options: options))
    }

    /// OpenAI says `stop` both for end-of-sequence and for a stop string; vLLM's `stop_reason` tells them apart.
    private static func finishReason(_ choice: JSONValue?, options: GenerationOptions) -> Generation.FinishReason {
        guard let choice else { return .endOfSequence }
        switch choice["finish_reason"].optionalString {
        case "length": return .length
        case "stop":
            if let reason = choice["stop_reason"].optionalString, options.stop.contains(reason) { return .stopString }
            return .endOfSequence
        case "eos", "eos_token": return .endOfSequence
        default: return .endOfSequence
        }
    }
}
