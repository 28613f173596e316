import Datasets
import Foundation
import InferenceAPI
import TextFormats

/// `outputs/globalopinionsqa/*.csv`: per question the options, the model's probabilities and one similarity
/// column per country (`-1` = not asked, empty = answered but undefined).
enum OpinionImport {
    static let metadata: Set<String> = ["question", "options", "probs", "model_id", "load_8bit", "max_choice",
                                        "chose_first", "chose_last", "chose_middle"]

    static func read(_ table: CSVTable, model: String?, policy: MalformedRowPolicy) throws -> OpinionRun {
        let question = try table.column("question")
        let options = try table.column("options")
        let probs = try table.column("probs")
        let modelColumn = table.header.firstIndex(of: "model_id")
        let countries = table.header.enumerated().filter { !metadata.contains($0.element) }
        var answers: [OpinionAnswer] = []
        var stated: String?
        let skipped = try table.eachRecord(policy: policy) { row in
            let optionTexts = try row.stringList(options, "options")
            let probabilities = try row.numberList(probs, "probs")
            guard probabilities.count == optionTexts.count else {
                throw row.error("probs has \(probabilities.count) values for \(optionTexts.count) options")
            }
            var similarities: [String: Double] = [:]
            for (column, country) in countries {
                let cell = row.text(column)
                if cell.isEmpty {
                    similarities[country] = .nan
                    continue
                }
                let value = try row.number(column, country)
                if value != -1 { similarities[country] = value }
            }
            if stated == nil, let modelColumn { stated = row.text(modelColumn) }
            answers.append(OpinionAnswer(question: row.text(question), options: optionTexts,
                                         probabilities: probabilities, similarities: similarities))
        }
        var run = OpinionRun(model: model ?? stated ?? Importer.stem(table.file), method: .meanNLL,
                             template: OpinionTemplate.study.name, questions: answers, origin: .imported(path: table.file))
        run.details = ["similarities as released: computed by the study's code, i.e. with its selections-parser quirk"]
            + [skipped.note].compactMap { $0 }
        return run
    }
}

/// `outputs/md3-game/*.csv`: one row per game with the generation, the candidates' probabilities and the item.
enum DialectImport {
    static func read(_ table: CSVTable, model: String?, policy: MalformedRowPolicy) throws -> DialectRun {
        let dialect = try table.column("dialect")
        let generation = try table.column("generated_answer")
        let correctProbability = try table.column("correct_answer_prob")
        let distractorProbabilities = try table.column("distractor_probs")
        let transcript = try table.column("transcript")
        let correct = try table.column("correct_answer")
        let distractors = try table.column("distractors")
        let modelColumn = table.header.firstIndex(of: "model")
        var stated: String?
        var items: [DialectOutcome] = []
        let skipped = try table.eachRecord(policy: policy) { row in
            let words = try row.stringList(distractors, "distractors")
            let probabilities = try row.numberList(distractorProbabilities, "distractor_probs")
            guard probabilities.count == words.count else {
                throw row.error("distractor_probs has \(probabilities.count) values for \(words.count) distractors")
            }
            if stated == nil, let modelColumn { stated = Importer.shortModelName(row.text(modelColumn)) }
            items.append(DialectOutcome(dialect: row.text(dialect), transcript: row.text(transcript),
                                        correctWord: row.text(correct), distractors: words,
                                        generation: row.text(generation),
                                        correctProbability: try row.number(correctProbability, "correct_answer_prob"),
                                        distractorProbabilities: probabilities))
        }
        var run = DialectRun(model: model ?? stated ?? Importer.stem(table.file), items: items,
                             origin: .imported(path: table.file))
        run.details = [skipped.note].compactMap { $0 }
        return run
    }
}

/// `outputs/tydiqa-goldp/<model>/<language>.json`: `{id: generation}`; a directory holds one file per language.
enum QAImport {
    static func read(_ label: FileLabel, model: String?) throws -> QARun {
        let path = label.opened
        let files: [String]
        var directoryName: String?
        if FileBytes.isDirectory(path) {
            files = try FileBytes.list(path).filter { $0.hasSuffix(".json") }.map { path + "/" + $0 }
            guard !files.isEmpty else { throw DatasetError(file: path, "no .json generation files in this directory") }
            directoryName = path.split(separator: "/").last.map(String.init)
        } else {
            files = [path]
            directoryName = path.split(separator: "/").dropLast().last.map(String.init)
        }
        var items: [QAOutcome] = []
        for file in files {
            let root = try JSONCursor(FileBytes.json(file), file: label(file))
            let fallback = TyDiQA.language(named: Importer.stem(file))
            for member in try root.members() {
                let generation = try JSONCursor(member.value, file: label(file), path: "$.\(member.key)").string()
                let prefix = member.key.split(separator: "-").first.map(String.init) ?? ""
                guard let language = TyDiQA.language(named: prefix) ?? fallback else {
                    throw root.error("cannot tell the language of '\(member.key)'")
                }
                items.append(QAOutcome(id: member.key, language: language, generation: generation))
            }
        }
        return QARun(model: model ?? directoryName ?? Importer.stem(path), items: items, origin: .imported(path: label.shown))
    }
}

/// `outputs/ask-reddit-perplexity/*.csv` (mean NLL per country) and `outputs/ask-reddit-reward/*.csv` (reward
/// per country): one row per question, one column per country.
enum PreferenceImport {
    static let metadata: Set<String> = ["Question", "Full Prompt", "model", "reward_model", "Search Query", "Sentiment",
                                        "Response Format", "Category", "seed", "add_article", "use_chat_template"]

    static func read(_ table: CSVTable, model: String?, policy: MalformedRowPolicy) throws -> CountryPreferenceRun {
        let question = try table.column("Question")
        let prompt = try table.column("Full Prompt")
        let sentiment = try table.column("Sentiment")
        let format = try table.column("Response Format")
        let category = try table.column("Category")
        let rewardColumn = table.header.firstIndex(of: "reward_model")
        let modelColumn = rewardColumn ?? table.header.firstIndex(of: "model")
        let countries = table.header.enumerated().filter { !metadata.contains($0.element) }
        var stated: String?
        var questions: [CountryPreferenceQuestion] = []
        let skipped = try table.eachRecord(policy: policy) { row in
            guard let mood = AskRedditSentiment(rawValue: row.text(sentiment)) else {
                throw row.error("Sentiment must be positive or negative, found '\(row.text(sentiment))'")
            }
            let scores = try countries.map { try row.number($0.offset, $0.element) }
            if stated == nil, let modelColumn { stated = Importer.shortModelName(row.text(modelColumn)) }
            questions.append(CountryPreferenceQuestion(question: row.text(question), sentiment: mood,
                                                       category: row.text(category), responseFormat: row.text(format),
                                                       prompt: row.text(prompt), scores: scores))
        }
        var run = CountryPreferenceRun(model: model ?? stated ?? Importer.stem(table.file),
                                       measure: rewardColumn == nil ? .meanNLL : .reward,
                                       countries: countries.map(\.element), questions: questions,
                                       origin: .imported(path: table.file))
        run.details = [skipped.note].compactMap { $0 }
        return run
    }
}

/// `outputs/reward-testing/where_from_*.csv`: `country,prompt,reward,seed,reward_model,prompt_id,add_article`.
enum WhereFromImport {
    static func read(_ table: CSVTable, model: String?, policy: MalformedRowPolicy) throws -> RewardsResult {
        let country = try table.column("country")
        let prompt = try table.column("prompt")
        let reward = try table.column("reward")
        let modelColumn = table.header.firstIndex(of: "reward_model")
        var stated: String?
        var rows: [RewardsResult.Row] = []
        let skipped = try table.eachRecord(policy: policy) { row in
            if stated == nil, let modelColumn { stated = Importer.shortModelName(row.text(modelColumn)) }
            rows.append(.init(country: row.text(country), reward: try row.number(reward, "reward"), text: row.text(prompt)))
        }
        return RewardsResult(model: model ?? stated ?? Importer.stem(table.file), rows: rows,
                             details: ["imported from \(table.file)"] + [skipped.note].compactMap { $0 })
    }
}

/// `results/starling_rm_df_filtered_USA.csv`: the study's Mean Rank table for the Gallup countries.
enum MeanRankImport {
    static func read(_ table: CSVTable, model: String?) throws -> MeanRankResult {
        let country = try table.column("Country")
        let meanRank = try table.column("Mean Rank")
        let totalRank = try table.column("Total Rank")
        var rows: [MeanRankResult.Row] = []
        for record in table.records {
            let row = CellReader(table: table, record: record)
            let mean = try row.number(meanRank, "Mean Rank")
            let total = try row.number(totalRank, "Total Rank")
            // The file keeps Total Rank and Mean Rank = Total / questions; recover the question count.
            let questions = mean > 0 ? Int((total / mean).rounded()) : 0
            rows.append(.init(country: row.text(country), meanRank: mean, questions: questions))
        }
        return MeanRankResult(model: model ?? "starling-rm-7b-alpha", rows: rows, details: [
            "imported from \(table.file): the study's released Mean Ranks (reward model, 181-country ranking)",
        ])
    }
}

/// `results/correlations.txt`: headings followed by printed `SignificanceResult(statistic=…, pvalue=…)`.
enum CorrelationImport {
    static func read(_ label: FileLabel) throws -> CorrelationResult {
        let path = label.shown
        let text = try FileBytes.string(label.opened)
        var rows: [CorrelationResult.Row] = []
        var heading: String?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard trimmed.hasPrefix("SignificanceResult(") else {
                heading = trimmed
                continue
            }
            guard let statistic = value(of: "statistic", in: trimmed), let pValue = value(of: "pvalue", in: trimmed) else {
                throw DatasetError(file: path, line: index + 1, "expected SignificanceResult(statistic=…, pvalue=…)")
            }
            let label = heading ?? "correlation \(rows.count + 1)"
            var right = label
            if let year = label.split(separator: " ").first(where: { $0.count == 4 && $0.allSatisfy(\.isNumber) }) {
                right = "Gallup " + String(year)
            }
            rows.append(.init(left: "starling-rm-7b-alpha", right: right,
                              spearman: statistic, pValue: pValue, n: nil))
        }
        guard !rows.isEmpty else { throw DatasetError(file: path, "no SignificanceResult lines") }
        return CorrelationResult(rows: rows, details: ["imported from \(path) (the study's printed scipy results; n not recorded)"])
    }

    static func value(of name: String, in line: String) -> Double? {
        guard let range = line.range(of: name + "=") else { return nil }
        var text = line[range.upperBound...]
        if text.hasPrefix("np.float64(") { text = text.dropFirst("np.float64(".count) }
        let number = text.prefix { !",)".contains($0) }
        return PythonFloat.parse(String(number))
    }
}

/// `results/tulu-sft-languages.csv` and friends: language-ID shares or counts of SFT data.
enum LanguageShareImport {
    static func read(_ table: CSVTable) -> TableResult {
        let valueName = table.header.count > 1 && table.header[1] != "0" ? table.header[1] : "count"
        let rows: [[Cell]] = table.records.map { record in
            let value = record.fields.count > 1 ? PythonFloat.parse(record.fields[1]) : nil
            return [.text(record.fields.first ?? ""), value.map { valueName == "count" ? .integer(Int($0)) : .number($0, digits: 4) } ?? .missing]
        }
        return TableResult(title: "SFT language shares — \(Importer.stem(table.file))",
                           contents: ResultTable(columns: ["language", valueName], rows: rows),
                           details: ["imported from \(table.file)"])
    }
}
