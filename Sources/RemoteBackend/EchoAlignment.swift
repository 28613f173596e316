import Foundation
import InferenceAPI

/// Checks that a server's echoed prompt logprobs are what scoring needs — the logprob of each token given the
/// tokens *before* it — rather than shifted by one position, as llama-cpp-python's server reports them
/// (abetlen/llama-cpp-python#1983): numbers of the right shape that would score every candidate silently wrong.
///
/// The ground truth is the server's own greedy choice, which sampling gets right whatever its logprob
/// bookkeeping does: after prompt P the server generates g, its most probable next token. Echoing P + g must
/// then give g, at its position, the highest logprob there — above the alternatives the server itself lists
/// for that position and above the echoed logprob of each runner-up when echoed in g's place. A shifted
/// report describes the distribution *after* g instead, where g is almost never the favourite.
struct EchoAlignment {
    let transport: HTTPTransport
    let model: String
    /// `max_tokens` for echo requests (see ``RemoteOptions/promptMaxTokens``).
    let maxTokens: Int

    enum Outcome: Equatable {
        case aligned
        /// The reason, with the figures that show it.
        case misaligned(String)
        /// The check could not be made (the reason says why); scoring is allowed but flagged.
        case unverified(String)
    }

    static let prompt = "The capital of France is"
    /// Logprobs are compared after two different requests (batching can change the last bits).
    static let tolerance = 1e-3

    func run(cancellation: Cancellation) async throws -> Outcome {
        let url = "\(transport.baseURL)/completions"
        let prompt = Self.prompt
        let body = CompletionBody(model: model, prompt: prompt, max_tokens: 1, temperature: 0, logprobs: 3)
        let generated = try await transport.json(.POST, url, body: try body.jsonData(), cancellation: cancellation,
                                                 retrying: false)
        guard let greedy = generated["choices"][0]["text"].optionalString, !greedy.isEmpty else {
            return .unverified("the server generated no text after \(prompt.debugDescription)")
        }
        let runnersUp = ((try? ResponseShapes.topLogprobs(generated)) ?? [])
            .map(\.text).filter { !$0.isEmpty && $0 != greedy }.prefix(2)

        guard let (greedyLogprob, listed) = try await echoedAtBoundary(greedy, url: url, cancellation: cancellation) else {
            return .unverified("the greedy token \(greedy.debugDescription) merges with the prompt's last token")
        }
        var compared = 0
        if let best = listed.max(by: { $0.value < $1.value }), best.key != greedy {
            compared += 1
            if best.value > greedyLogprob + Self.tolerance * max(1, abs(greedyLogprob)) {
                return .misaligned(evidence(greedy, greedyLogprob, rival: best.key, best.value, how: "listed by the server"))
            }
        }
        for runnerUp in runnersUp {
            guard let (logprob, _) = try await echoedAtBoundary(runnerUp, url: url, cancellation: cancellation) else { continue }
            compared += 1
            if logprob > greedyLogprob + Self.tolerance * max(1, abs(greedyLogprob)) {
                return .misaligned(evidence(greedy, greedyLogprob, rival: runnerUp, logprob, how: "echoed in its place"))
            }
        }
        return compared > 0 ? .aligned : .unverified("the server listed no alternative to compare with")
    }

    /// The echoed logprob of the token of `P + continuation` that starts where P ends, and the alternatives the
    /// server lists at that position; `nil` when no token starts there.
    private func echoedAtBoundary(_ continuation: String, url: String,
                                  cancellation: Cancellation) async throws -> (Double, [String: Double])? {
        let text = Self.prompt + continuation
        var body = CompletionBody.promptLogprobs(model: model, text: text, maxTokens: maxTokens)
        body.logprobs = 3
        let response = try await transport.json(.POST, url, body: try body.jsonData(), cancellation: cancellation,
                                                retrying: false)
        let tokens = try ResponseShapes.openAIPromptLogprobs(response, text: text)
        let boundary = Self.prompt.utf8.count
        guard let index = tokens.firstIndex(where: { $0.offset == boundary }), let logprob = tokens[index].logprob else {
            return nil
        }
        var listed: [String: Double] = [:]
        if let object = try? response["choices"][0]["logprobs"]["top_logprobs"][index].object() {
            for (token, value) in object { if let number = try? value.optionalNumber() { listed[token] = number } }
        }
        return (logprob, listed)
    }

    private func evidence(_ greedy: String, _ greedyLogprob: Double, rival: String, _ rivalLogprob: Double,
                          how: String) -> String {
        "its echoed prompt logprobs are misaligned: after \(Self.prompt.debugDescription) it generates "
            + "\(greedy.debugDescription) (its most probable token), yet echoes it with logprob "
            + "\(String(format: "%.3f", greedyLogprob)) below \(rival.debugDescription) (\(String(format: "%.3f", rivalLogprob)), \(how)) "
            + "— each token's logprob is reported one position late, as llama-cpp-python's server does "
            + "(abetlen/llama-cpp-python#1983)"
    }
}
