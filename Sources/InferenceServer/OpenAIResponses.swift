import InferenceAPI

/// `/v1/completions` answer. `logprobs` follows OpenAI's legacy shape; `token_ids` is AlignScope's addition.
struct CompletionResponse: Encodable {
    var id: String
    var object = "text_completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: Usage

    struct Choice: Encodable {
        var index: Int
        var text: String
        var logprobs: Logprobs?
        var finish_reason: String
        /// vLLM's field: the stop string that ended generation, if one did.
        var stop_reason: String?
    }

    struct Logprobs: Encodable {
        var tokens: [String] = []
        var token_logprobs: [Double?] = []
        var top_logprobs: [[String: Double]?] = []
        /// Character (Unicode scalar) offsets into the choice's `text`, as Python servers count them.
        var text_offset: [Int] = []
        var token_ids: [Int] = []
    }
}

struct Usage: Encodable {
    var prompt_tokens: Int?
    var completion_tokens: Int
    var total_tokens: Int?
}

/// A `stream: true` completions event.
struct CompletionChunk: Encodable {
    var id: String
    var object = "text_completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: Usage?

    struct Choice: Encodable {
        var index: Int
        var text: String
        var finish_reason: String?
        var stop_reason: String?
    }
}

/// `/v1/chat/completions` answer.
struct ChatCompletionResponse: Encodable {
    var id: String
    var object = "chat.completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: Usage

    struct Choice: Encodable {
        var index = 0
        var message: ChatMessage
        var finish_reason: String
    }
}

/// A `stream: true` chat event.
struct ChatCompletionChunk: Encodable {
    var id: String
    var object = "chat.completion.chunk"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: Usage?

    struct Choice: Encodable {
        var index = 0
        var delta: Delta
        var finish_reason: String?
    }

    struct Delta: Encodable {
        var role: String?
        var content: String?
    }
}

/// `/v1/models`; each entry also says, under `alignscope`, which weights and tokenizer produce its numbers.
struct ModelList: Encodable {
    var object = "list"
    var data: [Entry]

    struct Entry: Encodable {
        var id: String
        var object = "model"
        var created: Int
        var owned_by = "alignscope"
        var alignscope: Details
    }

    struct Details: Encodable {
        var fingerprint: String
        var tokenizer: String
    }
}

extension Generation.FinishReason {
    /// OpenAI's names: `length`, or `stop` for both end-of-sequence and a stop string.
    var openAIName: String { self == .length ? "length" : "stop" }
}
