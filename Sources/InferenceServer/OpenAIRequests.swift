import InferenceAPI

/// `POST /v1/completions`, as OpenAI's legacy API and vLLM define it (the subset an engine can honour).
struct CompletionRequest: Decodable {
    var model: String?
    var prompt: OneOrMany
    var max_tokens: Int?
    var temperature: Double?
    var top_p: Double?
    var top_k: Int?
    var seed: Int64?
    var stop: OneOrMany?
    var n: Int?
    var echo: Bool?
    var logprobs: Int?
    var stream: Bool?
    /// OpenAI's end-user id; also the key for fair queueing when several users share one connection address.
    var user: String?
}

/// `POST /v1/chat/completions`.
struct ChatCompletionRequest: Decodable {
    var model: String?
    var messages: [ChatMessage]
    var max_tokens: Int?
    var max_completion_tokens: Int?
    var temperature: Double?
    var top_p: Double?
    var top_k: Int?
    var seed: Int64?
    var stop: OneOrMany?
    var n: Int?
    var logprobs: Bool?
    var stream: Bool?
    var user: String?
}

/// `POST /apply-template` (llama.cpp's server): the chat template applied, with the generation prompt.
struct ApplyTemplateRequest: Decodable {
    var model: String?
    var messages: [ChatMessage]
}

/// A field OpenAI lets be a string or a list of strings (`prompt`, `stop`).
enum OneOrMany: Decodable {
    case one(String)
    case many([String])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            self = .one(one)
        } else if let many = try? container.decode([String].self) {
            self = .many(many)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a string or an array of strings (token ids are not accepted)")
        }
    }

    var values: [String] {
        switch self {
        case .one(let value): [value]
        case .many(let values): values
        }
    }
}
