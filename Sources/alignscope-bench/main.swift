// alignscope-bench: speed figures for BENCHMARKS.md, printed as Markdown tables headed by the date and the
// machine's load (the machine is shared: compare the ratios measured in one run).
//
//   alignscope-bench [--threads N] [--repetitions N] [--only pp|tg]… [--goqa N] [--portable] [MODEL.gguf …]
//       the engine in llama-bench's terms (pp512, tg128), resident memory, and the study's GOQA scoring
//   alignscope-bench loopback [--questions N] [--texts N] [--concurrency 1,4,8] [MODEL.gguf]
//       the same workloads in process and through the OpenAI-compatible server on 127.0.0.1
//   alignscope-bench tokenize [TOKENIZER …]       encoding and decoding speed (peer: tokenizers_peer_bench.py)
//   alignscope-bench templates [CASES.json]       chat-template parsing and rendering (peer: chat_template_peer_bench.py)
//
// With no model, the fetched default (scripts/fetch-smollm2.sh) is measured.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let subcommand = arguments.first
do {
    switch subcommand {
    case "loopback": try LoopbackBench(Array(arguments.dropFirst())).run()
    case "tokenize": try TokenizeBench(Array(arguments.dropFirst())).run()
    case "templates": try TemplatesBench(Array(arguments.dropFirst())).run()
    case "--help", "-h", "help":
        print("usage: \(EngineBench.usage)\n       \(LoopbackBench.usage)\n       \(TokenizeBench.usage)\n       \(TemplatesBench.usage)")
    default: EngineBench(arguments).run()
    }
} catch {
    failure("\(error)")
}
