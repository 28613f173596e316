/// The contract every model AlignScope evaluates must keep, whether it runs in this process (`Engine`) or on a
/// serving engine reached over HTTP (`RemoteBackend`). Evaluations and the shell speak only this protocol.
///
/// Methods take batches so that a backend can share work (a remote one sends concurrent requests, the in-process
/// one shares prompt prefixes). They are synchronous and cooperative: a long call polls `control.cancellation`
/// and throws ``InferenceError/cancelled`` when it is set, so the caller keeps everything it already received.
/// Evaluations therefore call in chunks of ``preferredBatchSize`` and keep finished chunks when Ctrl-C arrives.
public protocol LanguageModel: AnyObject, Sendable {
    /// Who this model is: the key under which its results are cached and reported.
    var identity: ModelIdentity { get }

    /// How many requests a caller should hand over at once to keep this backend busy.
    var preferredBatchSize: Int { get }

    /// Scores candidate continuations of each prompt (the study's shared primitive, PAPER.md).
    ///
    /// - `.meanNLL`: tokenize `prompt` alone (with the tokenizer's default special tokens) to get its length L;
    ///   tokenize `prompt + candidate` as one string; the score is the mean negative log-likelihood of the
    ///   tokens after position L.
    /// - `.nextToken`: the log-probability of the candidate's first token right after the prompt.
    ///
    /// `probability` in each result is renormalised over the request's candidates:
    /// pᵢ = exp(−meanNLLᵢ) / Σⱼ exp(−meanNLLⱼ) for `.meanNLL`, the renormalised next-token probability otherwise.
    func score(_ requests: [ScoringRequest], method: ScoringMethod, control: RunControl) throws -> [[CandidateScore]]

    /// Continues each prompt. `onToken(requestIndex, textPiece)` streams decoded text as it is produced
    /// (pieces never split a UTF-8 character).
    func generate(_ prompts: [String], options: GenerationOptions, control: RunControl,
                  onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation]

    /// The log-probability of every token of each text given the tokens before it, as the model tokenizes the
    /// text (with its default special tokens). This is what `/v1/completions` returns with `echo` and
    /// `max_tokens=0`; the first token has no logprob. Offsets let callers find where a continuation begins
    /// in the model's own tokenization.
    func promptLogprobs(_ texts: [String], control: RunControl) throws -> [[TokenLogprob]]

    /// The most probable next tokens after `prompt`, most probable first.
    func nextTokens(after prompt: String, top: Int) throws -> [TokenProbability]

    /// Renders a conversation with the model's own chat template into the exact prompt text it was trained on.
    /// Throws ``InferenceError/unsupported(_:)`` when the model has no template.
    func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String
}

/// A model with a scalar head that rates whole texts (LlamaForSequenceClassification, the Starling value head).
public protocol RewardModel: AnyObject, Sendable {
    var identity: ModelIdentity { get }
    var preferredBatchSize: Int { get }

    /// One reward per text. Texts are tokenized as the checkpoint's tokenizer does: literal special-token
    /// text such as `<s>` becomes the special token.
    func rewards(for texts: [String], control: RunControl) throws -> [Double]
}
