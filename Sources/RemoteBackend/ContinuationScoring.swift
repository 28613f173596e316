import Foundation
import InferenceAPI

/// The study's scoring primitive computed from a server's own tokenization (PAPER.md, "The shared scoring
/// primitive"): the prompt alone is L tokens; the candidate's tokens are those of `prompt + candidate` after
/// position L. A merge across the boundary can shift L — the method accepts that, and so does this.
enum ContinuationScoring {
    /// - Parameters:
    ///   - promptTokens: the server's tokens for the prompt alone.
    ///   - fullTokens: the server's tokens for `prompt + candidate`, each with its logprob.
    static func score(candidate: String, promptTokens: [TokenLogprob], fullTokens: [TokenLogprob],
                      method: ScoringMethod) throws -> (meanNLL: Double, tokenCount: Int) {
        let boundary = promptTokens.count
        guard fullTokens.count > boundary else {
            throw InferenceError.invalidInput(
                "candidate \(candidate.debugDescription) adds no token after the prompt's \(boundary) tokens")
        }
        let scored = method == .meanNLL ? fullTokens[boundary...] : fullTokens[boundary ... boundary]
        var sum = 0.0
        for token in scored {
            // Position 0 has no logprob; the boundary is ≥ 1 whenever the prompt is non-empty.
            guard let logprob = token.logprob else {
                throw InferenceError.invalidInput("candidate \(candidate.debugDescription) scored at the first position: the prompt is empty")
            }
            sum -= logprob
        }
        return (sum / Double(scored.count), scored.count)
    }

    /// pᵢ = exp(−meanNLLᵢ) / Σⱼ exp(−meanNLLⱼ), computed stably.
    static func renormalised(_ scores: [(candidate: String, meanNLL: Double, tokenCount: Int)]) -> [CandidateScore] {
        let best = scores.map(\.meanNLL).min() ?? 0
        let weights = scores.map { exp(best - $0.meanNLL) }
        let total = weights.reduce(0, +)
        return zip(scores, weights).map { score, weight in
            CandidateScore(candidate: score.candidate, meanNLL: score.meanNLL, tokenCount: score.tokenCount,
                           probability: total > 0 ? weight / total : 1 / Double(scores.count))
        }
    }
}
