// alignscope-bench: the engine's speed on real model files, in llama-bench's terms, printed as Markdown rows
// for BENCHMARKS.md. Usage:
//   alignscope-bench [--threads N] [--repetitions N] [--goqa N] [--portable] [MODEL.gguf ...]
// With no model, the fetched default (scripts/fetch-smollm2.sh) is measured.
import Datasets
import Engine
import Foundation
import InferenceAPI
import Kernels

struct Options {
    var threads = ProcessInfo.processInfo.activeProcessorCount
    var repetitions = 3
    var goqaQuestions = 0
    var portable = false
    /// Only these tests ("pp", "tg"); all when empty.
    var only: Set<String> = []
    var models: [String] = []
}

func parse(_ arguments: [String]) -> Options {
    var options = Options()
    var i = 0
    while i < arguments.count {
        let argument = arguments[i]
        func value() -> Int {
            i += 1
            guard i < arguments.count, let number = Int(arguments[i]) else {
                FileHandle.standardError.write(Data("\(argument) needs a number\n".utf8))
                exit(2)
            }
            return number
        }
        switch argument {
        case "--threads": options.threads = value()
        case "--repetitions": options.repetitions = value()
        case "--goqa": options.goqaQuestions = value()
        case "--portable": options.portable = true
        case "--only":
            i += 1
            if i < arguments.count { options.only.insert(arguments[i]) }
        default: options.models.append(argument)
        }
        i += 1
    }
    return options
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// The study's GOQA prompt (PAPER.md) for one question.
func goqaPrompt(_ question: OpinionQuestion) -> (prompt: String, candidates: [String]) {
    let letters = question.options.indices.map { String(UnicodeScalar(UInt8(65 + $0 % 26))) }
    let options = zip(letters, question.options).map { "(\($0)) \($1)" }.joined(separator: "\n")
    let prompt = "Human: \(question.question)\n\nHere are the options:\n\(options)\n\nAssistant: If I had to select one of the options, my answer would be ("
    return (prompt, letters.map { "\($0))" })
}

let options = parse(Array(CommandLine.arguments.dropFirst()))
forcePortableKernels(options.portable)
let pool = ThreadPool(threads: options.threads)
var models = options.models
if models.isEmpty {
    guard let path = DefaultModel.path else {
        FileHandle.standardError.write(Data("no model given and the default is not fetched: run scripts/fetch-smollm2.sh\n".utf8))
        exit(1)
    }
    models = [path]
}

print("threads \(options.threads), C kernels: \(vectorKernelsActive ? "AVX-512 VNNI" : "portable"), load average \(String((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.prefix(14) ?? "?"))")
print("| model | weights | pp512 tok/s | pp GFLOP/s | tg128 tok/s | tg GB/s | RSS MB |")
print("|---|---|---|---|---|---|---|")
for path in models {
    do {
        let model = try EngineModel(name: URL(fileURLWithPath: path).lastPathComponent, path: path, pool: pool)
        let runs = { (test: String) in options.only.isEmpty || options.only.contains(test) }
        let pp = runs("pp") ? median(EngineBenchmark.promptProcessing(model, tokens: 512, repetitions: options.repetitions)) : .nan
        let ppFlops = (0..<512).map { EngineBenchmark.flops(model, position: $0, logits: false) }.reduce(0, +)
        let tg = runs("tg") ? median(EngineBenchmark.generation(model, tokens: 128, repetitions: options.repetitions)) : .nan
        let bytes = Double(EngineBenchmark.weightBytesPerToken(model))
        let rss = Double(EngineBenchmark.residentBytes() ?? 0) / 1e6
        let types = Set(model.checkpoint.tensors.map { $0.type.description }).sorted().joined(separator: "/")
        print("| \(model.identity.name) | \(types) | \(format(512 / pp)) | \(format(ppFlops / pp / 1e9)) | \(format(128 / tg)) | \(format(bytes * 128 / tg / 1e9)) | \(format(rss, 0)) |")

        if options.goqaQuestions > 0, let root = DatasetCatalog.locateBundledRoot() {
            let questions = try GlobalOpinionsQA.loadPairs(path: root + "/goqa/goqa-pairs.json").questions
            var seen = Set<String>()
            let unique = questions.filter { seen.insert($0.question).inserted }
            let slice = Array(unique.prefix(options.goqaQuestions))
            var shared = 0.0, separate = 0.0
            let start = DispatchTime.now()
            for question in slice {
                let (prompt, candidates) = goqaPrompt(question)
                _ = try model.score([ScoringRequest(prompt: prompt, candidates: candidates)], method: .meanNLL, control: .none)
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            for question in slice.prefix(10) {
                let (prompt, candidates) = goqaPrompt(question)
                let timing = try EngineBenchmark.scoring(model, prompt: prompt, candidates: candidates, repetitions: 1)
                shared += timing.shared
                separate += timing.separate
            }
            print("")
            print("GOQA: \(slice.count) questions in \(format(elapsed, 2)) s → 2,556 questions ≈ \(format(elapsed / Double(slice.count) * 2556, 0)) s; prefix sharing vs K separate passes (10 questions): \(format(separate / shared, 2))×")
        }
    } catch {
        print("| \(path) | error: \(error) | | | | | |")
    }
}
