import Foundation
import TextFormats

/// The defaults a checkpoint's `generation_config.json` asks for.
public struct GenerationConfig: Sendable, Equatable {
    public var bosTokenID: Int?
    public var eosTokenIDs: [Int]
    public var padTokenID: Int?
    public var maxLength: Int?
    public var maxNewTokens: Int?
    public var doSample: Bool?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var repetitionPenalty: Double?

    /// Reads a `generation_config.json`.
    public init(contentsOf url: URL) throws(FormatError) {
        try self.init(json: CheckpointJSON.object(contentsOf: url), file: url.path)
    }

    /// Builds the defaults from a parsed JSON object; `file` names it in errors.
    public init(json: [String: JSONValue], file: String) throws(FormatError) {
        let reader = ConfigReader(json: json, file: file)
        bosTokenID = try reader.optionalTokenIDs("bos_token_id").first
        eosTokenIDs = try reader.optionalTokenIDs("eos_token_id")
        padTokenID = try reader.optionalTokenIDs("pad_token_id").first
        maxLength = try reader.optionalPositiveInt("max_length")
        maxNewTokens = try reader.optionalPositiveInt("max_new_tokens")
        doSample = try reader.optionalBool("do_sample")
        temperature = try reader.optionalDouble("temperature")
        topP = try reader.optionalDouble("top_p")
        topK = CheckpointJSON.integer(json["top_k"])
        repetitionPenalty = try reader.optionalDouble("repetition_penalty")
    }
}
