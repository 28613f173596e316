import Datasets

/// Options of the `opinions` analysis.
public struct OpinionOptions: Sendable {
    /// Countries to report (labels or any name the country table knows); `nil` reports every country.
    public var countries: [String]?
    /// Keep only the questions every one of these countries answered (the study's `!= -1` test: a country
    /// whose similarity is undefined still counts as having answered). The paper uses ``Opinions/paperCountries``.
    public var commonTo: [String]?
    /// Differences are taken to this country (a label or name); `nil` for none.
    public var reference: String?
    /// Where the similarities come from.
    public var similarities: SimilaritySource
    public var bootstrapResamples: Int
    public var seed: UInt64

    public init(countries: [String]? = nil, commonTo: [String]? = nil, reference: String? = "United States",
                similarities: SimilaritySource = .asRun, bootstrapResamples: Int = 1000, seed: UInt64 = 221) {
        self.countries = countries
        self.commonTo = commonTo
        self.reference = reference
        self.similarities = similarities
        self.bootstrapResamples = bootstrapResamples
        self.seed = seed
    }

    /// The paper's figure: the questions all seven countries answered, differences to the United States.
    public static var paper: OpinionOptions {
        OpinionOptions(countries: Opinions.paperCountries, commonTo: Opinions.paperCountries, reference: "United States")
    }
}

/// Which similarities the analysis averages.
public enum SimilaritySource: Sendable {
    /// The run's own: computed by a live run (with the parse it was asked for) or as released (the released
    /// files carry the study's parser quirk).
    case asRun
    /// Recomputed from the run's option probabilities and the countries' distributions in a dataset, read with
    /// the given parse. Questions are matched by their text.
    case recompute(questions: [OpinionQuestion], parse: GlobalOpinionsQA.SelectionsParse)
}

/// `opinions`: how close a model's answer distributions are to each country's.
public enum Opinions {
    /// The seven countries of the paper's figure.
    public static let paperCountries = ["China", "United States", "Jordan", "Brazil", "Nigeria", "Germany", "Australia"]

    public static func analyze(_ run: OpinionRun, options: OpinionOptions = OpinionOptions(),
                               countries table: CountryTable? = nil) throws -> OpinionsResult {
        var details: [String] = []
        let (answers, sourceNote) = try similarities(run, options.similarities)
        details.append(sourceNote)
        let labels = Set(answers.flatMap(\.similarities.keys))
        let resolver = LabelResolver(labels: labels, table: table)

        var subset = answers
        if let required = options.commonTo {
            let needed = try required.map(resolver.label)
            subset = answers.filter { answer in needed.allSatisfy { answer.similarities[$0] != nil } }
            details.append("\(subset.count) questions answered by all of \(needed.joined(separator: ", ")) (of \(answers.count))")
        }

        var reported = try options.countries.map { try $0.map(resolver.label) } ?? labels.sorted()
        let reference = try options.reference.flatMap { name -> String? in
            do { return try resolver.label(name) } catch {
                if options.countries == nil && options.commonTo == nil { return nil }
                throw error
            }
        }
        if let reference, !reported.contains(reference) { reported.append(reference) }

        var rows: [OpinionsResult.Row] = []
        var skippedNaN = 0
        for label in reported {
            let values = subset.compactMap { $0.similarities[label] }
            let defined = values.filter { !$0.isNaN }
            skippedNaN += values.count - defined.count
            guard !defined.isEmpty else { continue }
            let mean = defined.reduce(0, +) / Double(defined.count)
            let interval = Bootstrap.meanInterval(defined, resamples: options.bootstrapResamples, seed: options.seed)
            rows.append(.init(country: label, similarity: mean, questions: defined.count,
                              ciLow: interval.low, ciHigh: interval.high))
        }
        if skippedNaN > 0 {
            details.append("\(skippedNaN) undefined similarities (all-zero country distributions) skipped: `questions` is n per country")
        }
        details.append("95% CI: percentile bootstrap over questions, \(options.bootstrapResamples) resamples, seed \(options.seed)")
        details.append("method \(run.method.rawValue), template \(run.template)")
        if let note = run.completion.note { details.append(note) }
        return OpinionsResult(model: run.model, rows: rows, reference: reference, details: details)
    }

    /// The answers with the similarities the options ask for, and a note saying where they came from.
    static func similarities(_ run: OpinionRun, _ source: SimilaritySource) throws -> ([OpinionAnswer], String) {
        switch source {
        case .asRun:
            let note: String
            switch run.origin {
            case .imported: note = "similarities as released (computed with the study's selections-parser quirk)"
            case .live: note = "similarities computed live (\(run.details.first { $0.hasPrefix("parse") } ?? "parse correct"))"
            }
            return (run.questions, note)
        case .recompute(let questions, let parse):
            let byText = Dictionary(questions.map { ($0.question, $0) }, uniquingKeysWith: { first, _ in first })
            var answers: [OpinionAnswer] = []
            var unmatched = 0
            var unparsable = 0
            for answer in run.questions {
                guard let question = byText[answer.question], question.options.count == answer.probabilities.count else {
                    unmatched += 1
                    continue
                }
                var similarities: [String: Double] = [:]
                for country in question.countries {
                    guard let distribution = country.distribution(parse) else {
                        unparsable += 1
                        continue
                    }
                    similarities[country.country] = OpinionSimilarity.similarity(answer.probabilities, distribution)
                }
                answers.append(OpinionAnswer(question: answer.question, options: answer.options,
                                             probabilities: answer.probabilities, similarities: similarities))
            }
            var note = "similarities recomputed with the \(parse.rawValue) parse for \(answers.count) of \(run.questions.count) questions"
            if unmatched > 0 { note += "; \(unmatched) questions not in the dataset" }
            if unparsable > 0 { note += "; \(unparsable) distributions the released parser could not read" }
            return (answers, note)
        }
    }
}

/// Finds the label a user means among those present: exactly, else through the country table (national labels
/// of the same country).
struct LabelResolver {
    let labels: Set<String>
    let table: CountryTable?

    func label(_ name: String) throws -> String {
        if labels.contains(name) { return name }
        if let lowered = labels.first(where: { $0.lowercased() == name.lowercased() }) { return lowered }
        if let table, let wanted = table.resolve(name) {
            let candidates = labels.filter { label in
                guard let match = table.resolve(label) else { return false }
                return match.country == wanted.country && match.isNational == wanted.isNational
            }.sorted()
            if let first = candidates.first { return first }
        }
        let close = labels.filter { EditDistance.between($0.lowercased(), name.lowercased()) <= 2 }.sorted()
        throw AnalysisError("no country '\(name)' in this result" + (close.isEmpty ? "" : " (did you mean \(close.joined(separator: ", "))?)"))
    }
}

/// An analysis that cannot be done with the inputs given.
public struct AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
