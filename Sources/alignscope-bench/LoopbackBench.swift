import Datasets
import Engine
import Foundation
import InferenceAPI
import InferenceServer
import Kernels
import RemoteBackend
import Synchronization

/// The same study workloads through the in-process engine and through `alignscope serve`'s HTTP path on
/// loopback (an ``InferenceServer`` in this process, reached by a ``RemoteModel``), so the cost of serving —
/// HTTP and JSON, one text per request, no prefix sharing across requests — is measured against the engine
/// itself. The scores must agree: the table ends with the largest difference between the two paths.
struct LoopbackBench {
    static let usage = "alignscope-bench loopback [--threads N] [--questions N] [--texts N] [--prompts N] [--tokens N] [--concurrency 1,4,8] [MODEL.gguf]"

    var threads = ProcessInfo.processInfo.activeProcessorCount
    var questions = 50
    var texts = 20
    var prompts = 8
    var tokens = 32
    var concurrencies = [1, 4, 8]
    var model: String?

    init(_ arguments: [String]) {
        var arguments = Arguments(arguments, usage: Self.usage)
        while let argument = arguments.next() {
            switch argument {
            case "--threads": threads = arguments.number(after: argument)
            case "--questions": questions = arguments.number(after: argument)
            case "--texts": texts = arguments.number(after: argument)
            case "--prompts": prompts = arguments.number(after: argument)
            case "--tokens": tokens = arguments.number(after: argument)
            case "--concurrency": concurrencies = arguments.numbers(after: argument)
            case let option where option.hasPrefix("--"): arguments.fail("unknown option \(option)")
            default:
                if model != nil { arguments.fail("one model at a time (\(argument))") }
                model = argument
            }
        }
    }

    /// One path's figures.
    private struct Figures {
        var label: String
        var scoring: Double
        var logprobs: Double
        var generation: Double
        var generatedTokens: Int
        var scores: [[CandidateScore]]
        var textLogprobs: [[TokenLogprob]]
        var texts: [String]
    }

    func run() throws {
        let path = model ?? defaultModelPath()
        let engine = try EngineModel(name: "smollm2", path: path, pool: ThreadPool(threads: threads))
        let requests = try Workloads.goqa(questions)
        let contexts = try Workloads.tydiqaContexts(languages: ["english"], count: texts)
        let generationPrompts = requests.prefix(prompts).map(\.prompt)
        let contextTokens = contexts.reduce(0) { $0 + engine.tokenizer.encode($1).count }
        let options = GenerationOptions.greedy(maxTokens: tokens)

        let server = try Loopback(model: engine)
        defer { server.stop() }
        printHeader("loopback", threads: threads)
        print("\(URL(fileURLWithPath: path).lastPathComponent) in process and at \(server.baseURL) (InferenceServer: one engine thread, requests in fair order)")
        print("workloads (each path called in chunks of its preferred batch size; generation tok/s counts generated tokens over the whole call, prefill included): \(requests.count) GOQA questions scored by mean NLL (\(requests.reduce(0) { $0 + $1.candidates.count }) candidates); prompt logprobs of \(contexts.count) TyDiQA contexts (\(contextTokens) tokens); \(generationPrompts.count) greedy generations of ≤ \(tokens) tokens")
        print("")

        // One of each first, so neither path pays for first-touch page faults of the mapped weights.
        _ = try engine.score(Array(requests.prefix(1)), method: .meanNLL, control: .none)
        _ = try engine.promptLogprobs(Array(contexts.prefix(1)), control: .none)
        let local = try measure(engine, label: "in-process", requests: requests, texts: contexts, prompts: generationPrompts,
                                options: options)
        var rows = [local]
        for concurrency in concurrencies {
            // A fresh client each time: RemoteModel remembers the texts it has been answered.
            let remote = try RemoteModel(baseURL: server.baseURL, model: "smollm2", options: RemoteOptions(concurrency: concurrency))
            try remote.probe()
            rows.append(try measure(remote, label: "loopback, concurrency \(concurrency)", requests: requests, texts: contexts,
                                    prompts: generationPrompts, options: options))
        }

        print("| path | GOQA questions/s | ratio | logprob texts/s | tok/s | ratio | generation tok/s | ratio | max \\|Δ\\| mean NLL | max \\|Δ\\| logprob | same text |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for row in rows {
            let scoreDelta = zip(row.scores, local.scores).flatMap { zip($0, $1).map { abs($0.meanNLL - $1.meanNLL) } }.max() ?? .nan
            let candidatesMatch = zip(row.scores, local.scores).allSatisfy { $0.map(\.candidate) == $1.map(\.candidate) }
            var logprobDelta = 0.0
            var tokensMatch = row.textLogprobs.count == local.textLogprobs.count
            for (theirs, ours) in zip(row.textLogprobs, local.textLogprobs) {
                tokensMatch = tokensMatch && theirs.map(\.id) == ours.map(\.id)
                for (a, b) in zip(theirs, ours) {
                    if let a = a.logprob, let b = b.logprob { logprobDelta = max(logprobDelta, abs(a - b)) }
                }
            }
            let sameTexts = zip(row.texts, local.texts).filter { $0 == $1 }.count
            print("| \(row.label) | \(format(Double(requests.count) / row.scoring, 2)) | \(format(local.scoring / row.scoring, 2))× "
                + "| \(format(Double(contexts.count) / row.logprobs, 2)) | \(format(Double(contextTokens) / row.logprobs)) | \(format(local.logprobs / row.logprobs, 2))× "
                + "| \(format(Double(row.generatedTokens) / row.generation)) | \(format((Double(row.generatedTokens) / row.generation) / (Double(local.generatedTokens) / local.generation), 2))× "
                + "| \(candidatesMatch ? String(format: "%.2g", scoreDelta) : "candidates differ") "
                + "| \(tokensMatch ? String(format: "%.2g", logprobDelta) : "tokens differ") | \(sameTexts)/\(row.texts.count) |")
        }
        let counts = server.server.requestCounts
        print("")
        print("server: \(counts["POST /v1/completions"] ?? 0) completion requests answered over \(concurrencies.count) client runs")
    }

    /// Times the three workloads on `model`, each called in chunks of its preferred batch size as the
    /// study's runs call it.
    private func measure(_ model: any LanguageModel, label: String, requests: [ScoringRequest], texts: [String],
                         prompts: [String], options: GenerationOptions) throws -> Figures {
        let batch = max(1, model.preferredBatchSize)
        func chunks<T>(_ items: [T]) -> [[T]] {
            stride(from: 0, to: items.count, by: batch).map { Array(items[$0..<min($0 + batch, items.count)]) }
        }
        let (scores, scoring) = try timed {
            try chunks(requests).flatMap { try model.score($0, method: .meanNLL, control: .none) }
        }
        let (logprobs, logprobSeconds) = try timed {
            try chunks(texts).flatMap { try model.promptLogprobs($0, control: .none) }
        }
        let (generations, generation) = try timed {
            try chunks(prompts).flatMap { try model.generate($0, options: options, control: .none, onToken: nil) }
        }
        return Figures(label: label, scoring: scoring, logprobs: logprobSeconds, generation: generation,
                       generatedTokens: generations.reduce(0) { $0 + $1.tokenCount }, scores: scores,
                       textLogprobs: logprobs, texts: generations.map(\.text))
    }
}

/// An ``InferenceServer`` on 127.0.0.1 at a port the system picks, serving one model as `smollm2`, as
/// `alignscope serve` does.
private final class Loopback: Sendable {
    let server: InferenceServer
    let baseURL: String
    private let task: Task<Void, any Error>

    init(model: any LanguageModel) throws {
        let server = InferenceServer(models: ["smollm2": model], configuration: ServerConfiguration(host: "127.0.0.1", port: 0))
        let bound = BoundPort()
        task = Task.detached { try await server.run { port in bound.set(port) } }
        guard let port = bound.wait(seconds: 30) else {
            task.cancel()
            throw InferenceError.backend("the loopback server did not start listening within 30 s")
        }
        self.server = server
        baseURL = "http://127.0.0.1:\(port)/v1"
    }

    func stop() { task.cancel() }
}

/// The port the server reports once it listens, handed from its task to the waiting thread.
private final class BoundPort: Sendable {
    private let port = Mutex<Int?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func set(_ value: Int) {
        port.withLock { $0 = value }
        ready.signal()
    }

    func wait(seconds: Double) -> Int? {
        guard ready.wait(timeout: .now() + seconds) == .success else { return nil }
        return port.withLock { $0 }
    }
}
