import Foundation
import InferenceAPI

/// Reads the token logprobs of a text out of the response shapes serving engines use for "echo the prompt
/// with logprobs". Offsets come back as the engine API's UTF-8 byte offsets into `text`.
enum ResponseShapes {
    /// OpenAI's legacy completions shape, spoken by vLLM, llama-cpp-python and `alignscope serve`:
    /// `choices[0].logprobs.{tokens, token_logprobs, text_offset}` (text offsets in characters), plus the
    /// `token_ids` AlignScope's own server adds. The response may include generated tokens after the echoed
    /// prompt (servers where `max_tokens: 0` means "unlimited" are sent 1); they are cut off using
    /// `usage.prompt_tokens`, or else the offsets.
    static func openAIPromptLogprobs(_ response: JSONValue, text: String) throws -> [TokenLogprob] {
        let choices = try response["choices"].array()
        guard let choice = choices.first else {
            throw JSONShapeError(path: "choices", expected: "at least one choice", found: "an empty array")
        }
        let logprobs = choice["logprobs"]
        guard !logprobs.isNull else {
            throw JSONShapeError(path: "choices[0].logprobs", expected: "token logprobs (the server ignored `logprobs`)",
                                 found: "null")
        }
        let tokens = try logprobs["tokens"].array().map { try $0.string() }
        let values = try logprobs["token_logprobs"].array().map { try $0.optionalNumber() }
        let offsets = try logprobs["text_offset"].array().map { try $0.integer() }
        let ids = logprobs["token_ids"].isNull ? nil : try logprobs["token_ids"].array().map { try $0.integer() }
        guard values.count == tokens.count, offsets.count == tokens.count, ids.map({ $0.count == tokens.count }) ?? true else {
            throw JSONShapeError(path: "choices[0].logprobs", expected: "equally long tokens, token_logprobs and text_offset",
                                 found: "\(tokens.count), \(values.count) and \(offsets.count) entries")
        }
        let characters = CharacterOffsets(text)
        var count = tokens.count
        if let promptTokens = response["usage"]["prompt_tokens"].optionalInteger, promptTokens > 0, promptTokens <= count {
            count = promptTokens
        } else {
            // Tokens that start at or after the end of the text were generated, not echoed.
            count = offsets.firstIndex(where: { $0 >= characters.characterCount && $0 > 0 }) ?? count
        }
        return try (0 ..< count).map { index in
            guard let bytes = characters.byteOffset(ofCharacter: offsets[index]) else {
                throw JSONShapeError(path: "choices[0].logprobs.text_offset[\(index)]",
                                     expected: "a character offset within the \(characters.characterCount)-character text",
                                     found: "\(offsets[index])")
            }
            if index > 0, values[index] == nil {
                throw JSONShapeError(path: "choices[0].logprobs.token_logprobs[\(index)]",
                                     expected: "a logprob (only the first token has none)", found: "null")
            }
            return TokenLogprob(id: ids?[index] ?? -1, text: tokens[index], offset: bytes,
                                logprob: index == 0 ? nil : values[index])
        }
    }

    /// Text Generation Inference's native `/generate` with `decoder_input_details: true`:
    /// `details.prefill = [{id, text, logprob}]`. TGI gives no offsets; they are recovered by laying the token
    /// texts along `text` (a special token that is not in the text gets the current offset).
    static func tgiPrefill(_ response: JSONValue, text: String) throws -> [TokenLogprob] {
        let body = (try? response.array().first) ?? response
        let prefill = try body["details"]["prefill"].array()
        let bytes = Array(text.utf8)
        var cursor = 0
        return try prefill.enumerated().map { index, token in
            let piece = try token["text"].string()
            let pieceBytes = Array(piece.utf8)
            let offset = cursor
            if !pieceBytes.isEmpty, cursor + pieceBytes.count <= bytes.count,
               bytes[cursor ..< cursor + pieceBytes.count].elementsEqual(pieceBytes) {
                cursor += pieceBytes.count
            }
            let logprob = try token["logprob"].optionalNumber()
            if index > 0, logprob == nil {
                throw JSONShapeError(path: token["logprob"].path, expected: "a logprob", found: "null")
            }
            return TokenLogprob(id: try token["id"].integer(), text: piece, offset: offset,
                                logprob: index == 0 ? nil : logprob)
        }
    }

    /// The most probable next tokens from a one-token completion with `logprobs: top`, in any of the shapes:
    /// OpenAI legacy `logprobs.top_logprobs[0]` (a token → logprob object), OpenAI chat-style
    /// `logprobs.content[0].top_logprobs` (llama.cpp's server), or llama.cpp's native `completion_probabilities`.
    static func topLogprobs(_ response: JSONValue) throws -> [(text: String, id: Int, logprob: Double)] {
        if !response["completion_probabilities"].isNull {
            let first = try response["completion_probabilities"].array().first
            guard let first else { return [] }
            let list = first["top_logprobs"].isNull ? first["probs"] : first["top_logprobs"]
            return try list.array().map { entry in
                let text = try (entry["token"].isNull ? entry["tok_str"] : entry["token"]).string()
                let logprob = entry["logprob"].isNull ? log(try entry["prob"].number()) : try entry["logprob"].number()
                return (text, entry["id"].optionalInteger ?? -1, logprob)
            }
        }
        let choices = try response["choices"].array()
        guard let choice = choices.first else {
            throw JSONShapeError(path: "choices", expected: "at least one choice", found: "an empty array")
        }
        let logprobs = choice["logprobs"]
        if !logprobs["content"].isNull {
            guard let first = try logprobs["content"].array().first else { return [] }
            return try first["top_logprobs"].array().map { entry in
                (try entry["token"].string(), entry["id"].optionalInteger ?? -1, try entry["logprob"].number())
            }
        }
        guard let first = try logprobs["top_logprobs"].array().first else { return [] }
        return try first.object().map { token, value in (token, -1, try value.number()) }
    }
}

/// Converts the character offsets servers report (Python string indices: Unicode scalars) into UTF-8 bytes.
struct CharacterOffsets {
    private let byteOffsets: [Int]

    init(_ text: String) {
        var offsets: [Int] = []
        offsets.reserveCapacity(text.unicodeScalars.count + 1)
        var bytes = 0
        for scalar in text.unicodeScalars {
            offsets.append(bytes)
            bytes += String(scalar).utf8.count
        }
        offsets.append(bytes)
        byteOffsets = offsets
    }

    var characterCount: Int { byteOffsets.count - 1 }

    /// `nil` when `character` is outside the text.
    func byteOffset(ofCharacter character: Int) -> Int? {
        byteOffsets.indices.contains(character) ? byteOffsets[character] : nil
    }
}
