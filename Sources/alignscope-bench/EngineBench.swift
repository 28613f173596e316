import Engine
import Foundation
import InferenceAPI
import Kernels

/// The engine in llama-bench's terms: pp512 and tg128 of each model file, its resident memory, and with
/// `--goqa N` the study's scoring workload.
struct EngineBench {
    static let usage = "alignscope-bench [--threads N] [--repetitions N] [--only pp|tg]… [--goqa N] [--portable] [MODEL.gguf …]"

    var threads = ProcessInfo.processInfo.activeProcessorCount
    var repetitions = 3
    var goqaQuestions = 0
    var portable = false
    /// Only these tests ("pp", "tg"); all when empty.
    var only: Set<String> = []
    var models: [String] = []

    init(_ arguments: [String]) {
        var arguments = Arguments(arguments, usage: Self.usage)
        while let argument = arguments.next() {
            switch argument {
            case "--threads": threads = arguments.number(after: argument)
            case "--repetitions": repetitions = arguments.number(after: argument)
            case "--goqa": goqaQuestions = arguments.number(after: argument, minimum: 0)
            case "--portable": portable = true
            case "--only":
                let test = arguments.text(after: argument)
                guard ["pp", "tg"].contains(test) else {
                    arguments.fail("--only \(test): expected pp or tg (the loopback, tokenize and templates benchmarks are subcommands)")
                }
                only.insert(test)
            case let option where option.hasPrefix("--"): arguments.fail("unknown option \(option)")
            default: models.append(argument)
            }
        }
    }

    func run() {
        forcePortableKernels(portable)
        let pool = ThreadPool(threads: threads)
        let paths = models.isEmpty ? [defaultModelPath()] : models
        printHeader("engine", threads: threads)
        print("C kernels: \(vectorKernelsActive ? "AVX-512 VNNI" : "portable")")
        print("")
        print("| model | weights | pp512 tok/s | pp GFLOP/s | tg128 tok/s | tg GB/s | RSS MB |")
        print("|---|---|---|---|---|---|---|")
        for path in paths {
            do {
                let model = try EngineModel(name: URL(fileURLWithPath: path).lastPathComponent, path: path, pool: pool)
                printSpeeds(model)
                if goqaQuestions > 0 { try printGOQA(model) }
            } catch {
                print("| \(path) | error: \(error) | | | | | |")
            }
        }
    }

    private func runs(_ test: String) -> Bool { only.isEmpty || only.contains(test) }

    private func printSpeeds(_ model: EngineModel) {
        let pp = runs("pp") ? median(EngineBenchmark.promptProcessing(model, tokens: 512, repetitions: repetitions)) : .nan
        let ppFlops = (0..<512).map { EngineBenchmark.flops(model, position: $0, logits: false) }.reduce(0, +)
        let tg = runs("tg") ? median(EngineBenchmark.generation(model, tokens: 128, repetitions: repetitions)) : .nan
        let bytes = Double(EngineBenchmark.weightBytesPerToken(model))
        let rss = Double(EngineBenchmark.residentBytes() ?? 0) / 1e6
        let types = Set(model.checkpoint.tensors.map { $0.type.description }).sorted().joined(separator: "/")
        print("| \(model.identity.name) | \(types) | \(format(512 / pp)) | \(format(ppFlops / pp / 1e9)) | \(format(128 / tg)) | \(format(bytes * 128 / tg / 1e9)) | \(format(rss, 0)) |")
    }

    /// The full GOQA run's time estimated from the first N questions, what each question costs in FLOPs (so
    /// the figure can be set against the kernels' GFLOP/s), and prefix sharing against K separate passes.
    private func printGOQA(_ model: EngineModel) throws {
        let requests = try Workloads.goqa(goqaQuestions)
        let (_, elapsed) = try timed {
            for request in requests { _ = try model.score([request], method: .meanNLL, control: .none) }
        }
        var flops = 0.0, promptTokens = 0, suffixTokens = 0
        for request in requests {
            let length = model.tokenizer.encode(request.prompt).count
            promptTokens += length
            flops += (0..<length).map { EngineBenchmark.flops(model, position: $0, logits: $0 == length - 1) }.reduce(0, +)
            for candidate in request.candidates {
                let full = model.tokenizer.encode(request.prompt + candidate).count
                suffixTokens += full - length
                flops += (length..<full).map { EngineBenchmark.flops(model, position: $0, logits: true) }.reduce(0, +)
            }
        }
        var shared = 0.0, separate = 0.0
        for request in requests.prefix(10) {
            let timing = try EngineBenchmark.scoring(model, prompt: request.prompt, candidates: request.candidates, repetitions: 1)
            shared += timing.shared
            separate += timing.separate
        }
        let count = Double(requests.count)
        print("")
        print("GOQA (\(model.identity.name)): \(requests.count) questions in \(format(elapsed, 2)) s → 2,556 questions ≈ \(format(elapsed / count * 2556, 0)) s (\(format(elapsed / count * 1000, 0)) ms each)")
        print("  per question: \(format(Double(promptTokens) / count)) prompt tokens + \(format(Double(suffixTokens) / count)) candidate tokens, \(format(flops / count / 1e9, 2)) GFLOP → \(format(flops / elapsed / 1e9)) GFLOP/s")
        print("  prefix sharing vs K separate passes (\(min(10, requests.count)) questions): \(format(separate / shared, 2))×")
    }
}

/// The fetched SmolLM2 (scripts/fetch-smollm2.sh), or the program ends saying how to fetch it.
func defaultModelPath() -> String {
    guard let path = DefaultModel.path else {
        failure("no model given and \(DefaultModel.expectedPath) is missing: run scripts/fetch-smollm2.sh")
    }
    return path
}
