import Foundation
import InferenceAPI

/// What `/v1/completions` computes for a validated request, on the engine thread.
///
/// Prompt logprobs (`echo` + `logprobs`) come from ``LanguageModel/promptLogprobs(_:control:)``; the logprobs of
/// generated tokens come from re-reading `prompt + completion` the same way (the tokens after the prompt's),
/// and their top alternatives from ``LanguageModel/nextTokens(after:top:)`` on the text so far. Prompt positions
/// list only their own token in `top_logprobs`: the engine API has no per-position distribution.
struct CompletionsWork {
    let model: any LanguageModel
    let prompts: [String]
    let options: GenerationOptions
    let echo: Bool
    /// `nil`: no logprobs; 0: each token's own; k: plus the top k alternatives of generated tokens.
    let logprobs: Int?
    let control: RunControl

    struct Output {
        var choices: [CompletionResponse.Choice]
        var usage: Usage
    }

    func run() throws -> Output {
        let generations: [Generation] = options.maxTokens > 0
            ? try model.generate(prompts, options: options, control: control, onToken: nil)
            : prompts.map { _ in Generation(text: "", tokenCount: 0, finishReason: .length) }

        var promptTokenCounts: [Int]?
        var choices: [CompletionResponse.Choice] = []
        if let logprobs {
            // One batch: each prompt alone, and each prompt with its completion.
            let texts = prompts + (options.maxTokens > 0 ? zip(prompts, generations).map { $0 + $1.text } : [])
            let read = try model.promptLogprobs(texts, control: control)
            guard read.count == texts.count else {
                throw InferenceError.backend("\(model.identity.name) returned logprobs for \(read.count) of \(texts.count) texts")
            }
            promptTokenCounts = prompts.indices.map { read[$0].count }
            for (index, prompt) in prompts.enumerated() {
                let promptTokens = read[index]
                let generated = options.maxTokens > 0 ? Array(read[prompts.count + index].dropFirst(promptTokens.count)) : []
                var table = CompletionResponse.Logprobs()
                let shown = echo ? prompt + generations[index].text : generations[index].text
                let characters = CharacterIndex(shown)
                let shift = echo ? 0 : prompt.utf8.count
                if echo {
                    for token in promptTokens { table.append(token, top: token.logprob.map { [token.text: $0] }, characters) }
                }
                for token in generated {
                    var top: [String: Double]? = token.logprob.map { [token.text: $0] }
                    if logprobs > 0 {
                        let before = String(decoding: Array((prompt + generations[index].text).utf8.prefix(token.offset)), as: UTF8.self)
                        for alternative in try model.nextTokens(after: before, top: logprobs) {
                            top?[alternative.text] = log(alternative.probability)
                        }
                    }
                    var shifted = token
                    shifted.offset = max(0, token.offset - shift)
                    table.append(shifted, top: top, characters)
                }
                choices.append(choice(index, prompt: prompt, generations[index], logprobs: table))
            }
        } else {
            choices = prompts.indices.map { choice($0, prompt: prompts[$0], generations[$0], logprobs: nil) }
        }
        let completionTokens = generations.reduce(0) { $0 + $1.tokenCount }
        let promptTokens = promptTokenCounts?.reduce(0, +)
        return Output(choices: choices, usage: Usage(prompt_tokens: promptTokens, completion_tokens: completionTokens,
                                                     total_tokens: promptTokens.map { $0 + completionTokens }))
    }

    private func choice(_ index: Int, prompt: String, _ generation: Generation,
                        logprobs: CompletionResponse.Logprobs?) -> CompletionResponse.Choice {
        CompletionResponse.Choice(index: index, text: echo ? prompt + generation.text : generation.text,
                                  logprobs: logprobs, finish_reason: generation.finishReason.openAIName,
                                  stop_reason: nil)
    }
}

extension CompletionResponse.Logprobs {
    mutating func append(_ token: TokenLogprob, top: [String: Double]?, _ characters: CharacterIndex) {
        tokens.append(token.text)
        token_logprobs.append(token.logprob.map(Self.finite))
        top_logprobs.append(top?.mapValues(Self.finite))
        text_offset.append(characters.character(atByte: token.offset))
        token_ids.append(token.id)
    }

    /// JSON has no infinity; like vLLM, an impossible token gets −9999.
    static func finite(_ logprob: Double) -> Double {
        logprob.isFinite ? logprob : -9999
    }
}

/// UTF-8 byte offsets → character (Unicode scalar) offsets, the unit OpenAI-compatible servers report.
struct CharacterIndex {
    /// `starts[i]` is the byte offset where scalar i begins.
    private let starts: [Int]

    init(_ text: String) {
        var starts: [Int] = []
        var byte = 0
        for scalar in text.unicodeScalars {
            starts.append(byte)
            byte += String(scalar).utf8.count
        }
        starts.append(byte)
        self.starts = starts
    }

    /// The index of the scalar containing `byte` (a byte inside a multi-byte character maps to that character).
    func character(atByte byte: Int) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= byte { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
