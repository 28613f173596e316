import Foundation
import InferenceAPI

/// `POST /v1/completions`. Optional fields are left out of the JSON when unset, because servers differ in which
/// extensions (`top_k`, `seed`) they accept.
struct CompletionBody: Encodable {
    var model: String
    var prompt: String
    var max_tokens: Int
    var temperature: Double = 0
    var top_p: Double?
    var top_k: Int?
    var seed: UInt64?
    var stop: [String]?
    var echo: Bool?
    var logprobs: Int?
    var stream: Bool?
    var stream_options: StreamOptions?

    struct StreamOptions: Encodable {
        var include_usage = true
    }

    /// Echo the text with the logprob of each of its tokens, generating nothing (or one token where 0 means
    /// "no limit").
    static func promptLogprobs(model: String, text: String, maxTokens: Int) -> CompletionBody {
        CompletionBody(model: model, prompt: text, max_tokens: maxTokens, echo: true, logprobs: 1)
    }

    static func generation(model: String, prompt: String, options: GenerationOptions, stream: Bool) -> CompletionBody {
        CompletionBody(model: model, prompt: prompt, max_tokens: options.maxTokens, temperature: options.temperature,
                       top_p: options.topP < 1 ? options.topP : nil, top_k: options.topK > 0 ? options.topK : nil,
                       seed: options.seed, stop: options.stop.isEmpty ? nil : options.stop,
                       stream: stream ? true : nil, stream_options: stream ? StreamOptions() : nil)
    }
}

/// `POST /v1/chat/completions`.
struct ChatCompletionBody: Encodable {
    var model: String
    var messages: [ChatMessage]
    var max_tokens: Int
    var temperature: Double
    var top_p: Double?
    var seed: UInt64?
    var stop: [String]?
    var stream: Bool?
    var stream_options: CompletionBody.StreamOptions?
}

/// TGI's native `POST /generate` asking for the prompt's token logprobs.
struct TGIGenerateBody: Encodable {
    struct Parameters: Encodable {
        var max_new_tokens = 1
        var details = true
        var decoder_input_details = true
    }

    var inputs: String
    var parameters = Parameters()
}

/// llama.cpp's `POST /apply-template` (also served by `alignscope serve`).
struct ApplyTemplateBody: Encodable {
    var messages: [ChatMessage]
}

/// vLLM's `POST /tokenize` with chat messages, and `POST /detokenize`.
struct VLLMTokenizeBody: Encodable {
    var model: String
    var messages: [ChatMessage]
    var add_generation_prompt: Bool
}

struct VLLMDetokenizeBody: Encodable {
    var model: String
    var tokens: [Int]
}

extension Encodable {
    func jsonData() throws -> Data {
        try JSONEncoder().encode(self)
    }
}
