import Engine
import Foundation
import Tokenizers

/// Encoding and decoding speed of each tokenizer on the corpus scripts/fixtures/tokenizers_peer_bench.py
/// gives the Python `tokenizers` and `sentencepiece` packages: the first ~2 MB of distinct TyDiQA-GoldP dev
/// contexts, nine languages, one text per call, one thread.
struct TokenizeBench {
    static let usage = "alignscope-bench tokenize [--repetitions N] [--bytes N] [TOKENIZER …]  (a directory, tokenizer.json, tokenizer.model or .gguf)"

    var repetitions = 2
    var byteLimit = 2_000_000
    var tokenizers: [String] = []

    init(_ arguments: [String]) {
        var arguments = Arguments(arguments, usage: Self.usage)
        while let argument = arguments.next() {
            switch argument {
            case "--repetitions": repetitions = arguments.number(after: argument)
            case "--bytes": byteLimit = arguments.number(after: argument)
            case let option where option.hasPrefix("--"): arguments.fail("unknown option \(option)")
            default: tokenizers.append(argument)
            }
        }
    }

    /// Without operands: the peer script's four tokenizer.json files, the two SentencePiece models, and the
    /// vocabulary inside the fetched SmolLM2 GGUF.
    private var defaultTokenizers: [String] {
        var paths = ["llama2", "mistral-v1", "smollm2", "gpt2"].map { SharedFiles.path("tokenizers/\($0)/tokenizer.json") }
        paths += ["llama2", "mistral-v1"].map { SharedFiles.path("tokenizers/\($0)/tokenizer.model") }
        if let model = DefaultModel.path { paths.append(model) }
        return paths
    }

    func run() throws {
        let texts = try Workloads.tydiqaContexts(byteLimit: byteLimit)
        printHeader("tokenize", threads: 1)
        print("corpus: \(texts.count) TyDiQA-GoldP dev contexts, \(texts.reduce(0) { $0 + $1.utf8.count }) bytes; best of \(repetitions) passes after a warm-up")
        print("")
        print("| tokenizer | file | tokens | encode MB/s | encode tokens/s | cold-cache encode MB/s | decode MB/s |")
        print("|---|---|---|---|---|---|---|")
        for path in tokenizers.isEmpty ? defaultTokenizers : tokenizers {
            let file = URL(fileURLWithPath: path).standardizedFileURL.pathComponents.dropFirst().suffix(2).joined(separator: "/")
            do {
                let cold = try TokenizerBenchmark.coldEncode(loading: { try TokenizerLoader.load(path: path) }, texts: texts)
                let figures = TokenizerBenchmark.run(try TokenizerLoader.load(path: path), texts: texts, repetitions: repetitions)
                let encode = figures[0], decode = figures[1]
                print("| \(encode.tokenizer) | \(file) | \(encode.tokens) | \(format(encode.megabytesPerSecond, 2)) | \(format(encode.tokensPerSecond, 0)) | \(format(cold.megabytesPerSecond, 2)) | \(format(decode.megabytesPerSecond, 2)) |")
            } catch {
                print("| \(file) | error: \(error) | | | | | |")
            }
        }
    }
}
