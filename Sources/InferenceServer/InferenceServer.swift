import Foundation
import Hummingbird
import InferenceAPI
import Logging
import NIOCore
import Synchronization

/// Serves ``LanguageModel``s over the OpenAI-compatible HTTP API that vLLM and llama.cpp's server speak, so
/// one machine's models can serve another machine's shell (`load NAME url=http://this-host:PORT/v1 model=NAME`).
///
/// Endpoints: `POST /v1/completions` (logprobs, echo, `max_tokens` 0 included, temperature/top_p/top_k/seed/
/// stop, `stream`), `POST /v1/chat/completions` (`stream: true` as server-sent events), `GET /v1/models`,
/// `GET /health`, and llama.cpp's `POST /apply-template`. One engine thread answers requests in fair order
/// (``FairQueue``); oversized or malformed requests get a 4xx in OpenAI's error shape.
public final class InferenceServer: Sendable {
    public let configuration: ServerConfiguration
    private let models: [String: any LanguageModel]
    private let worker: EngineWorker
    private let counters = Mutex<[String: Int]>([:])
    private let startTime = Int(Date().timeIntervalSince1970)

    /// - Parameter models: served models by the id clients send as `model`.
    public init(models: [String: any LanguageModel], configuration: ServerConfiguration = ServerConfiguration()) {
        self.models = models
        self.configuration = configuration
        worker = EngineWorker(capacity: configuration.maxQueuedRequests)
    }

    deinit {
        worker.stop()
    }

    /// Requests received per route (`POST /v1/completions` …), and `answered` for engine jobs completed.
    public var requestCounts: [String: Int] {
        var counts = counters.withLock { $0 }
        counts["answered"] = worker.completedJobs
        return counts
    }

    /// Serves until the calling task is cancelled (requests in flight are cut off) or, with `stopOnSignals`,
    /// until SIGINT or SIGTERM, after which it stops accepting and finishes the requests it has.
    /// `onListening` receives the bound port (useful with port 0).
    public func run(stopOnSignals: Bool = false,
                    onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "alignscope.serve")
        logger.logLevel = .warning
        let port = configuration.port
        let application = Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: port), serverName: "alignscope"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
        if stopOnSignals {
            try await application.runService()
        } else {
            try await application.run()
        }
    }

    // MARK: Routes

    private func router() -> Router<ClientContext> {
        let router = Router(context: ClientContext.self)
        router.add(middleware: OpenAIShapedHTTPErrors())
        router.get("/health") { _, _ in
            self.count("GET /health")
            return self.json(Health(requests: self.requestCounts.filter { $0.key != "answered" },
                                    answered: self.worker.completedJobs, queued: self.worker.queuedJobs))
        }
        router.get("/v1/models") { _, _ in
            self.count("GET /v1/models")
            return self.json(ModelList(data: self.models.keys.sorted().compactMap { id in
                guard let model = self.models[id] else { return nil }
                return .init(id: id, created: self.startTime,
                             alignscope: .init(fingerprint: model.identity.fingerprint, tokenizer: model.identity.tokenizer))
            }))
        }
        router.post("/v1/completions") { request, context in
            await self.answer("POST /v1/completions") {
                try await self.completions(try await self.decode(CompletionRequest.self, request), context)
            }
        }
        router.post("/v1/chat/completions") { request, context in
            await self.answer("POST /v1/chat/completions") {
                try await self.chat(try await self.decode(ChatCompletionRequest.self, request), context)
            }
        }
        router.post("/apply-template") { request, context in
            await self.answer("POST /apply-template") {
                let body = try await self.decode(ApplyTemplateRequest.self, request)
                let (id, model) = try self.model(body.model)
                let prompt = try await self.worker.perform(client: context.client(nil), cancellation: Cancellation()) {
                    try model.chatPrompt(body.messages, addGenerationPrompt: true)
                }
                _ = id
                return self.json(["prompt": prompt])
            }
        }
        return router
    }

    // MARK: /v1/completions

    private func completions(_ body: CompletionRequest, _ context: ClientContext) async throws -> Response {
        let (id, model) = try self.model(body.model)
        let prompts = body.prompt.values
        guard !prompts.isEmpty else { throw APIError.invalid("`prompt` is empty", param: "prompt") }
        guard prompts.count <= configuration.maxPromptsPerRequest else {
            throw APIError.invalid("\(prompts.count) prompts in one request; at most \(configuration.maxPromptsPerRequest)",
                                   param: "prompt")
        }
        let options = try generationOptions(maxTokens: body.max_tokens ?? 16, temperature: body.temperature,
                                            topP: body.top_p, topK: body.top_k, seed: body.seed, stop: body.stop, n: body.n)
        if let logprobs = body.logprobs, !(0 ... configuration.maxTopLogprobs).contains(logprobs) {
            throw APIError.invalid("`logprobs` must be between 0 and \(configuration.maxTopLogprobs)", param: "logprobs")
        }
        let echo = body.echo ?? false
        let created = Int(Date().timeIntervalSince1970)
        let responseID = "cmpl-\(UUID().uuidString.lowercased())"
        let client = context.client(body.user)

        if body.stream == true {
            guard body.logprobs == nil, !echo, prompts.count == 1 else {
                throw APIError.invalid("`stream` is supported for one prompt without `echo` or `logprobs`", param: "stream")
            }
            return stream(client: client) { cancellation, send in
                let generation = try model.generate(prompts, options: options, control: RunControl(cancellation: cancellation)) { _, piece in
                    send(CompletionChunk(id: responseID, created: created, model: id,
                                         choices: [.init(index: 0, text: piece, finish_reason: nil)]))
                }
                let finish = generation.first
                send(CompletionChunk(id: responseID, created: created, model: id,
                                     choices: [.init(index: 0, text: "", finish_reason: finish?.finishReason.openAIName ?? "stop")],
                                     usage: Usage(completion_tokens: finish?.tokenCount ?? 0)))
            }
        }

        let output = try await worker.perform(client: client, cancellation: Cancellation()) {
            try CompletionsWork(model: model, prompts: prompts, options: options, echo: echo, logprobs: body.logprobs,
                                control: RunControl()).run()
        }
        return json(CompletionResponse(id: responseID, created: created, model: id, choices: output.choices,
                                       usage: output.usage))
    }

    // MARK: /v1/chat/completions

    private func chat(_ body: ChatCompletionRequest, _ context: ClientContext) async throws -> Response {
        let (id, model) = try self.model(body.model)
        guard !body.messages.isEmpty else { throw APIError.invalid("`messages` is empty", param: "messages") }
        if body.logprobs == true { throw APIError.invalid("chat `logprobs` are not supported; use /v1/completions", param: "logprobs") }
        let options = try generationOptions(maxTokens: body.max_completion_tokens ?? body.max_tokens ?? 256,
                                            temperature: body.temperature, topP: body.top_p, topK: body.top_k,
                                            seed: body.seed, stop: body.stop, n: body.n)
        let created = Int(Date().timeIntervalSince1970)
        let responseID = "chatcmpl-\(UUID().uuidString.lowercased())"
        let client = context.client(body.user)
        let messages = body.messages

        if body.stream == true {
            return stream(client: client) { cancellation, send in
                let prompt = try model.chatPrompt(messages, addGenerationPrompt: true)
                send(ChatCompletionChunk(id: responseID, created: created, model: id,
                                         choices: [.init(delta: .init(role: "assistant", content: ""))]))
                let generation = try model.generate([prompt], options: options, control: RunControl(cancellation: cancellation)) { _, piece in
                    send(ChatCompletionChunk(id: responseID, created: created, model: id,
                                             choices: [.init(delta: .init(content: piece))]))
                }
                send(ChatCompletionChunk(id: responseID, created: created, model: id,
                                         choices: [.init(delta: .init(), finish_reason: generation.first?.finishReason.openAIName ?? "stop")],
                                         usage: Usage(completion_tokens: generation.first?.tokenCount ?? 0)))
            }
        }

        let generation = try await worker.perform(client: client, cancellation: Cancellation()) { () throws -> Generation in
            let prompt = try model.chatPrompt(messages, addGenerationPrompt: true)
            guard let generation = try model.generate([prompt], options: options, control: RunControl(), onToken: nil).first else {
                throw InferenceError.backend("\(id) generated nothing")
            }
            return generation
        }
        return json(ChatCompletionResponse(
            id: responseID, created: created, model: id,
            choices: [.init(message: .assistant(generation.text), finish_reason: generation.finishReason.openAIName)],
            usage: Usage(completion_tokens: generation.tokenCount)))
    }

    // MARK: Helpers

    private func model(_ requested: String?) throws -> (String, any LanguageModel) {
        if let requested {
            guard let model = models[requested] else {
                throw APIError(status: .notFound, message: "model `\(requested)` is not served here; served: \(models.keys.sorted().joined(separator: ", "))",
                               type: "invalid_request_error", param: "model", code: "model_not_found")
            }
            return (requested, model)
        }
        guard models.count == 1, let only = models.first else {
            throw APIError.invalid("`model` is required when several models are served", param: "model")
        }
        return (only.key, only.value)
    }

    private func generationOptions(maxTokens: Int, temperature: Double?, topP: Double?, topK: Int?, seed: Int64?,
                                   stop: OneOrMany?, n: Int?) throws -> GenerationOptions {
        guard (0 ... configuration.maxTokens).contains(maxTokens) else {
            throw APIError.invalid("`max_tokens` must be between 0 and \(configuration.maxTokens)", param: "max_tokens")
        }
        guard n == nil || n == 1 else { throw APIError.invalid("only `n: 1` is supported", param: "n") }
        let temperature = temperature ?? 1
        guard temperature >= 0, temperature.isFinite else { throw APIError.invalid("`temperature` must be ≥ 0", param: "temperature") }
        let topP = topP ?? 1
        guard topP > 0, topP <= 1 else { throw APIError.invalid("`top_p` must be in (0, 1]", param: "top_p") }
        let topK = topK ?? 0
        guard topK >= 0 || topK == -1 else { throw APIError.invalid("`top_k` must be ≥ 0", param: "top_k") }
        let stops = stop?.values ?? []
        guard stops.count <= 16, !stops.contains("") else {
            throw APIError.invalid("`stop` takes up to 16 non-empty strings", param: "stop")
        }
        return GenerationOptions(maxTokens: maxTokens, temperature: temperature, topK: max(0, topK), topP: topP,
                                 seed: seed.map { UInt64(bitPattern: $0) } ?? 221, stop: stops)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: configuration.maxRequestBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(status: .contentTooLarge, message: "the request body is larger than \(configuration.maxRequestBytes) bytes",
                           type: "invalid_request_error", param: nil, code: "request_too_large")
        }
        return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
    }

    private func answer(_ route: String, _ body: () async throws -> Response) async -> Response {
        count(route)
        do { return try await body() } catch { return APIError(error).response }
    }

    private func count(_ route: String) {
        counters.withLock { $0[route, default: 0] += 1 }
    }

    private func json<T: Encodable>(_ value: T) -> Response {
        do {
            let data = try JSONEncoder.wire.encode(value)
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        } catch {
            return APIError(status: .internalServerError, message: "cannot encode the response: \(error)",
                            type: "server_error").response
        }
    }

    /// A `text/event-stream` response fed by `produce`, which runs on the engine thread and calls `send` for
    /// each event. A client that disconnects cancels the generation at its next token.
    private func stream<Event: Encodable & Sendable>(
        client: String,
        _ produce: @escaping @Sendable (Cancellation, _ send: @escaping @Sendable (Event) -> Void) throws -> Void
    ) -> Response {
        let (events, sink) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .unbounded)
        let cancellation = Cancellation()
        let encoder = JSONEncoder.wire
        let send: @Sendable (Event) -> Void = { event in
            guard let data = try? encoder.encode(event) else { return }
            sink.yield(ByteBuffer(bytes: Data("data: ".utf8) + data + Data("\n\n".utf8)))
        }
        let accepted = worker.submit({ abandoned in
            defer {
                sink.yield(ByteBuffer(string: "data: [DONE]\n\n"))
                sink.finish()
            }
            if abandoned || cancellation.isCancelled { return }
            do {
                try produce(cancellation, send)
            } catch {
                let failure = APIError(error)
                if let data = try? encoder.encode(["error": ["message": failure.message, "type": failure.type]]) {
                    sink.yield(ByteBuffer(bytes: Data("data: ".utf8) + data + Data("\n\n".utf8)))
                }
            }
        }, client: client)
        guard accepted else { return APIError(ServerBusy.queueFull).response }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                        body: ResponseBody { writer in
                            do {
                                for await event in events { try await writer.write(event) }
                                try await writer.finish(nil)
                            } catch {
                                cancellation.cancel()
                                throw error
                            }
                        })
    }
}

/// `GET /health`: alive, and what the server has done — requests received per route, engine jobs answered and
/// waiting — so a client or an operator can see a restart (counters back at zero) or a backlog.
struct Health: Encodable {
    var status = "ok"
    var requests: [String: Int]
    var answered: Int
    var queued: Int
}

/// Errors Hummingbird raises itself (no such route, wrong method) in OpenAI's shape, like the endpoints' own.
struct OpenAIShapedHTTPErrors<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let route = "\(request.method.rawValue) \(request.uri.path)"
            let message = error.status == .notFound ? "no route \(route); this server answers /v1/completions, /v1/chat/completions, /v1/models, /health and /apply-template"
                                                    : "\(route): \(error.body ?? error.status.reasonPhrase)"
            return APIError(status: error.status, message: message, type: "invalid_request_error",
                            code: error.status == .notFound ? "not_found" : nil).response
        }
    }
}

/// The request context: who is asking, for fair queueing.
struct ClientContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// OpenAI's `user` field when given, else the peer's address.
    func client(_ user: String?) -> String {
        user.map { "user:\($0)" } ?? remoteAddress ?? "unknown"
    }
}
