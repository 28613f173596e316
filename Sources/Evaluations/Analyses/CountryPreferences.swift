import Datasets

/// `rank`: each country's Mean Rank over the AskReddit questions.
public enum Ranking {
    /// Ranks the countries of `filter` (default: every country of the run) per question — rank 1 is the most
    /// favoured: the highest reward or lowest NLL on a positive question, the reverse on a negative one — and
    /// averages each country's rank over the questions. Ties share their average rank.
    public static func meanRanks(_ run: CountryPreferenceRun, countries filter: [String]? = nil) throws -> MeanRankResult {
        let columns: [Int]
        if let filter {
            let index = Dictionary(run.countries.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            let missing = filter.filter { index[$0] == nil }
            guard missing.isEmpty else {
                throw AnalysisError("\(missing.count) countries of the filter are not in the run (first: \(missing[0]))")
            }
            columns = filter.compactMap { index[$0] }
        } else {
            columns = Array(run.countries.indices)
        }
        guard !run.questions.isEmpty else { throw AnalysisError("no questions to rank") }
        var totals = [Double](repeating: 0, count: columns.count)
        for question in run.questions {
            guard question.scores.count == run.countries.count else {
                throw AnalysisError("'\(question.question)' has \(question.scores.count) scores for \(run.countries.count) countries")
            }
            let scores = columns.map { question.scores[$0] }
            // Orient so that a lower value is more favoured, then rank ascending.
            let higherIsBetter = (run.measure == .reward) == (question.sentiment == .positive)
            let keys = higherIsBetter ? scores.map { -$0 } : scores
            for (position, rank) in RankStatistics.averageRanks(keys).enumerated() { totals[position] += rank }
        }
        let count = run.questions.count
        // Most favoured first.
        let rows = zip(columns, totals).map {
            MeanRankResult.Row(country: run.countries[$0], meanRank: $1 / Double(count), questions: count)
        }.sorted { $0.meanRank != $1.meanRank ? $0.meanRank < $1.meanRank : $0.country < $1.country }
        var details = [
            "ranked \(columns.count) countries on \(count) questions (\(run.measure == .reward ? "reward: higher" : "mean NLL: lower") is favoured on positive questions, the reverse on negative)",
            "ties share their average rank (the released code's unstable pandas sort broke them arbitrarily)",
        ]
        if let restriction = run.restriction { details.append(restriction) }
        if let note = run.completion.note { details.append(note) }
        return MeanRankResult(model: run.model, rows: rows, details: details)
    }
}

/// `correlate`: Spearman ρ of Mean Ranks against Gallup, and between models.
public enum Correlation {
    /// ρ between the ranks of the poll's countries' Mean Ranks and their position 1…n in the poll, with
    /// scipy's two-sided p-value, over the poll's countries that have a Mean Rank: the released Mean Rank table
    /// holds only the 2023 poll's 21 countries, so against 2017 it lacks Philippines and Syria, which are dropped
    /// (and named in a note) rather than failing the whole correlation.
    public static func gallup(_ ranks: MeanRankResult, poll: FavorabilityPoll) throws -> CorrelationResult {
        let ranked = poll.countries.enumerated().compactMap { position, country in
            ranks.meanRank(of: country).map { (country: country, position: Double(position + 1), meanRank: $0) }
        }
        let dropped = poll.countries.filter { ranks.meanRank(of: $0) == nil }
        guard ranked.count >= 3 else {
            throw AnalysisError("only \(ranked.count) of Gallup \(poll.year)'s \(poll.countries.count) countries have a Mean Rank in \(ranks.model) (missing: \(dropped.joined(separator: ", ")))")
        }
        guard let (rho, p) = RankStatistics.spearman(ranked.map(\.meanRank), ranked.map(\.position)) else {
            throw AnalysisError("cannot correlate \(ranked.count) countries")
        }
        var details = ["Spearman ρ between Mean Rank and Gallup \(poll.year) order (\(ranked.count) countries), p two-sided (t distribution, as scipy)"]
        if !dropped.isEmpty {
            details.append("Gallup \(poll.year): \(dropped.joined(separator: ", ")) \(dropped.count == 1 ? "has" : "have") no Mean Rank in \(ranks.model), dropped: n = \(ranked.count) of \(poll.countries.count)")
        }
        return CorrelationResult(rows: [.init(left: ranks.model, right: "Gallup \(poll.year)", spearman: rho, pValue: p,
                                              n: ranked.count)],
                                 details: details)
    }

    /// All pairs of models over the countries they share.
    public static func matrix(_ results: [MeanRankResult]) throws -> CorrelationResult {
        guard results.count >= 2 else { throw AnalysisError("correlate needs at least two mean-rank results") }
        var shared = Set(results[0].rows.map(\.country))
        for result in results.dropFirst() { shared.formIntersection(result.rows.map(\.country)) }
        let countries = results[0].rows.map(\.country).filter { shared.contains($0) }
        guard countries.count >= 3 else { throw AnalysisError("the results share only \(countries.count) countries") }
        let vectors = results.map { result in countries.compactMap { result.meanRank(of: $0) } }
        var rows: [CorrelationResult.Row] = []
        for i in results.indices {
            for j in results.indices where j > i {
                if let (rho, p) = RankStatistics.spearman(vectors[i], vectors[j]) {
                    rows.append(.init(left: results[i].model, right: results[j].model, spearman: rho, pValue: p, n: countries.count))
                }
            }
        }
        return CorrelationResult(rows: rows, details: ["Spearman ρ of Mean Ranks over \(countries.count) shared countries"],
                                 matrixLabels: results.map(\.model))
    }
}

/// `compare A -> B [-> C]`: the change of every shared number along an alignment chain.
public enum Comparison {
    public static func chain(_ results: [any AnalysisResult]) throws -> ComparisonResult {
        guard results.count >= 2 else { throw AnalysisError("compare needs at least two results: A -> B") }
        let kind = results[0].kind
        guard results.allSatisfy({ $0.kind == kind }) else {
            throw AnalysisError("compare needs results of one kind, got \(results.map(\.kind.rawValue).joined(separator: ", "))")
        }
        let measured = try results.map { result -> any MeasuredResult in
            guard let measured = result as? any MeasuredResult else {
                throw AnalysisError("\(kind.rawValue) results cannot be compared (no per-model numbers)")
            }
            return measured
        }
        var rows: [ComparisonResult.Row] = []
        for (before, after) in zip(measured, measured.dropFirst()) {
            let later = Dictionary(after.measurements.map { ("\($0.key)\u{1}\($0.metric)", $0.value) },
                                   uniquingKeysWith: { first, _ in first })
            for measurement in before.measurements {
                guard let value = later["\(measurement.key)\u{1}\(measurement.metric)"] else { continue }
                rows.append(.init(from: before.model, to: after.model, key: measurement.key, metric: measurement.metric,
                                  before: measurement.value, after: value))
            }
        }
        guard !rows.isEmpty else { throw AnalysisError("the results share no countries, dialects or languages") }
        return ComparisonResult(compared: kind, chain: measured.map(\.model), rows: rows,
                                details: ["delta = after − before for each step of the chain"])
    }
}
