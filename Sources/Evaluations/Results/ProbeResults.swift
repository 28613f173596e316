import Foundation
import InferenceAPI

// Results of probing one model directly, from the shell's model commands rather than from a dataset run.

/// `score`: each candidate continuation's score and renormalised probability.
/// CSV columns (a contract): `candidate,mean_nll,probability` for the study's method (mean-nll), and
/// `candidate,logprob,probability` for method=next-token, whose number is the log-probability of the
/// candidate's first token, not a mean NLL.
public struct CandidateScoresResult: AnalysisResult, Equatable {
    public var model: String
    public var prompt: String
    public var method: ScoringMethod
    public var scores: [CandidateScore]

    public init(model: String, prompt: String, method: ScoringMethod, scores: [CandidateScore]) {
        self.model = model
        self.prompt = prompt
        self.method = method
        self.scores = scores
    }

    public var kind: ResultKind { .scores }
    public var title: String { "Candidate scores — \(model) (\(method.rawValue))" }

    public func table() -> ResultTable {
        switch method {
        case .meanNLL:
            ResultTable(columns: ["candidate", "mean_nll", "probability"], rows: scores.map {
                [.text($0.candidate), .number($0.meanNLL, digits: 4), .number($0.probability, digits: 4)]
            })
        case .nextToken:
            // The engine reports −log p(first token) in `meanNLL`; the column gives log p itself.
            ResultTable(columns: ["candidate", "logprob", "probability"], rows: scores.map {
                [.text($0.candidate), .number(-$0.meanNLL, digits: 4), .number($0.probability, digits: 4)]
            })
        }
    }

    public var notes: [String] {
        let tokens = scores.map { "\($0.tokenCount)" }.joined(separator: "/")
        switch method {
        case .meanNLL:
            return ["prompt: \(Self.abbreviate(prompt))", "tokens scored per candidate: \(tokens)",
                    "probability = exp(−mean NLL) renormalised over the candidates"]
        case .nextToken:
            return ["prompt: \(Self.abbreviate(prompt))", "tokens scored per candidate: \(tokens) (the first token only)",
                    "logprob = ln p(the candidate's first token | prompt); probability = that p renormalised over the candidates"]
        }
    }

    public var chart: Chart? {
        .bars(title: "P(candidate) — \(model)", unit: "probability",
              bars: scores.map { Chart.Bar(label: $0.candidate, value: $0.probability) })
    }

    /// One line of at most 80 characters, for notes and bar labels.
    static func abbreviate(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: "⏎")
        return flat.count > 80 ? String(flat.prefix(77)) + "…" : flat
    }
}

/// `reward`: a reward model's score of each text. CSV columns (a contract): `text,reward`.
public struct TextRewardsResult: AnalysisResult, Equatable {
    public var model: String
    public var texts: [String]
    public var rewards: [Double]

    public init(model: String, texts: [String], rewards: [Double]) {
        self.model = model
        self.texts = texts
        self.rewards = rewards
    }

    public var kind: ResultKind { .rewards }
    public var title: String { "Rewards — \(model) (\(texts.count) text\(texts.count == 1 ? "" : "s"))" }

    public func table() -> ResultTable {
        ResultTable(columns: ["text", "reward"], rows: zip(texts, rewards).map { [.text($0), .number($1, digits: 4)] })
    }

    public var notes: [String] { ["literal special-token text (e.g. <s>) is tokenized as the special token"] }
    public var chart: Chart? {
        .bars(title: "Reward — \(model)", unit: "reward",
              bars: zip(texts, rewards).map { Chart.Bar(label: CandidateScoresResult.abbreviate($0), value: $1) })
    }
}
