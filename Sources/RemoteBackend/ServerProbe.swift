import InferenceAPI

/// Finds out what a server can do for one model, by asking it the way the real requests will.
struct ServerProbe {
    let transport: HTTPTransport
    let model: String
    let options: RemoteOptions

    struct Found: Sendable {
        var capabilities: ServerCapabilities
        /// The tokenizer the server says it uses, when it says (`alignscope serve` does).
        var tokenizer: String?
    }

    func run() async throws -> Found {
        let cancellation = Cancellation()
        var server = "unknown"
        var models: [String] = []
        var contextLength: Int?
        var tokenizer: String?

        // 1. The model list. A server without /v1/models (old TGI) is not an error; one that does not serve the
        //    model is, and the message lists what it serves.
        do {
            let listing = try await transport.json(.GET, "\(transport.baseURL)/models", cancellation: cancellation)
            let entries = try listing["data"].array()
            models = try entries.map { try $0["id"].string() }
            guard let entry = entries.first(where: { $0["id"].optionalString == model }) else {
                throw InferenceError.invalidInput(
                    "\(transport.baseURL) does not serve model=\(model); it serves: \(models.joined(separator: ", "))")
            }
            server = entry["owned_by"].optionalString ?? server
            contextLength = entry["max_model_len"].optionalInteger ?? entry["alignscope"]["context_length"].optionalInteger
            tokenizer = entry["alignscope"]["tokenizer"].optionalString.map { "\($0) (served by \(transport.rootURL))" }
        } catch let error as RemoteError {
            if case .status(_, 404, _, _) = error {} else { throw error }
        } catch let error as JSONShapeError {
            throw RemoteError.unusable(what: "GET \(transport.baseURL)/models", problem: "is not a model list: \(error)")
        }

        // 2. Scoring: prompt logprobs through /v1/completions, else TGI's prefill details.
        let maxTokens = options.promptMaxTokens ?? (server == "alignscope" ? 0 : 1)
        var problems: [String] = []
        let probeText = "The capital of France is Paris."
        do {
            let body = try CompletionBody.promptLogprobs(model: model, text: probeText, maxTokens: maxTokens).jsonData()
            let response = try await transport.json(.POST, "\(transport.baseURL)/completions", body: body,
                                                    cancellation: cancellation, retrying: false)
            let tokens = try ResponseShapes.openAIPromptLogprobs(response, text: probeText)
            guard tokens.count >= 2 else {
                throw JSONShapeError(path: "choices[0].logprobs.tokens", expected: "the echoed prompt's tokens",
                                     found: "\(tokens.count) token")
            }
            // Logprobs of the right shape can still be of the wrong positions: check before trusting them.
            var scoring = ServerCapabilities.Scoring.echoedLogprobs(maxTokens: maxTokens)
            var caveat: String?
            let alignment: EchoAlignment.Outcome
            do {
                alignment = try await EchoAlignment(transport: transport, model: model, maxTokens: maxTokens)
                    .run(cancellation: cancellation)
            } catch {
                alignment = .unverified("\(error)")
            }
            switch alignment {
            case .aligned: break
            case .misaligned(let reason): scoring = .impossible(reason: reason)
            case .unverified(let reason): caveat = "the alignment of its echoed logprobs could not be checked: \(reason)"
            }
            return Found(capabilities: ServerCapabilities(server: server, models: models, scoring: scoring,
                                                          contextLength: contextLength, caveat: caveat),
                         tokenizer: tokenizer)
        } catch let error as RemoteError {
            if case .transport = error { throw error }
            problems.append("/v1/completions with echo and logprobs: \(error)")
        } catch {
            problems.append("/v1/completions with echo and logprobs gives no prompt logprobs: \(error)")
        }
        do {
            let response = try await transport.json(.POST, "\(transport.rootURL)/generate",
                                                    body: try TGIGenerateBody(inputs: probeText).jsonData(),
                                                    cancellation: cancellation, retrying: false)
            let tokens = try ResponseShapes.tgiPrefill(response, text: probeText)
            guard tokens.count >= 2 else {
                throw JSONShapeError(path: "details.prefill", expected: "the prompt's tokens", found: "\(tokens.count)")
            }
            return Found(capabilities: ServerCapabilities(server: server == "unknown" ? "tgi" : server, models: models,
                                                          scoring: .tgiPrefill, contextLength: contextLength),
                         tokenizer: tokenizer)
        } catch {
            problems.append("TGI /generate with decoder_input_details: \(error)")
        }
        return Found(capabilities: ServerCapabilities(
            server: server, models: models,
            scoring: .impossible(reason: "the server returns no prompt logprobs (\(problems.joined(separator: "; ")))"),
            contextLength: contextLength), tokenizer: tokenizer)
    }
}
