import Datasets

/// `dialects`: MD3 accuracy per dialect, both metrics, and the gaps to en_us.
public enum Dialects {
    public static func analyze(_ run: DialectRun) -> DialectsResult {
        let order = MD3.dialects + Set(run.items.map(\.dialect)).subtracting(MD3.dialects).sorted()
        var rows: [DialectsResult.Row] = []
        for (metric, outcome) in [("generation", \DialectOutcome.generatedCorrect), ("choice", \DialectOutcome.choseCorrect)] {
            for dialect in order {
                let judged = run.items.filter { $0.dialect == dialect }.compactMap { $0[keyPath: outcome] }
                guard !judged.isEmpty else { continue }
                let correct = judged.filter { $0 }.count
                rows.append(.init(dialect: dialect, metric: metric, accuracy: 100 * Double(correct) / Double(judged.count),
                                  items: judged.count))
            }
        }
        var details = [
            "generation: greedy guess contains the correct word and no distractor (lower-cased); choice: correct word most probable of 6",
        ]
        if let restriction = run.restriction { details.append(restriction) }
        if let note = run.completion.note { details.append(note) }
        return DialectsResult(model: run.model, rows: rows, details: details)
    }
}

/// `qa`: SQuAD v1.1 exact match and F1 per language against the gold answers.
public enum QA {
    public static func analyze(_ run: QARun, gold: [QAItem]) throws -> QAResult {
        let answers = Dictionary(gold.map { ($0.id, $0.answers) }, uniquingKeysWith: { first, _ in first })
        var sums: [String: (em: Double, f1: Double, count: Int)] = [:]
        var unmatched: [String] = []
        for item in run.items {
            guard let truths = answers[item.id] else {
                unmatched.append(item.id)
                continue
            }
            let score = SQuADMetric.best(SQuADMetric.extractAnswer(item.generation), answers: truths)
            var sum = sums[item.language] ?? (0, 0, 0)
            sum.em += score.exactMatch ? 1 : 0
            sum.f1 += score.f1
            sum.count += 1
            sums[item.language] = sum
        }
        guard !sums.isEmpty else {
            throw AnalysisError("none of the \(run.items.count) generations has a gold answer in the dataset given")
        }
        let order = TyDiQA.languages.map(\.name) + sums.keys.filter { TyDiQA.language(named: $0) == nil }.sorted()
        let rows = order.compactMap { language -> QAResult.Row? in
            guard let sum = sums[language] else { return nil }
            return .init(language: TyDiQA.code(of: language), exactMatch: 100 * sum.em / Double(sum.count),
                         f1: 100 * sum.f1 / Double(sum.count), items: sum.count)
        }
        var details = ["answer = generation up to its first blank line, stripped; SQuAD v1.1 normalisation; max over gold answers"]
        if !unmatched.isEmpty { details.append("\(unmatched.count) generations without gold answers ignored (first: \(unmatched[0]))") }
        if let note = run.completion.note { details.append(note) }
        return QAResult(model: run.model, rows: rows, details: details)
    }
}

/// `choice`: multiple-choice accuracy per language.
public enum Choice {
    public static func analyze(_ run: ChoiceRun) -> ChoiceResult {
        var order: [String] = []
        var counts: [String: (correct: Int, total: Int)] = [:]
        for item in run.items {
            if counts[item.language] == nil { order.append(item.language) }
            var count = counts[item.language] ?? (0, 0)
            count.correct += item.chosenIndex == item.correctIndex ? 1 : 0
            count.total += 1
            counts[item.language] = count
        }
        let rows = order.compactMap { language in
            counts[language].map { ChoiceResult.Row(language: language, accuracy: 100 * Double($0.correct) / Double($0.total), items: $0.total) }
        }
        var details = ["template \(run.template); method \(run.method.rawValue); prediction = most probable candidate"]
        if let note = run.completion.note { details.append(note) }
        return ChoiceResult(model: run.model, rows: rows, details: details)
    }
}
