import Datasets
import Evaluations

/// opinions, dialects, qa, choice, rank, rewards, correlate, compare.
enum AnalysisCommands {
    static var all: [Command] { [opinions, dialects, qa, choice, rank, rewards, correlate, compare] }

    static let opinions = Command(
        "opinions", group: .analyses, summary: "GlobalOpinionsQA: similarity to each country's answers (1 − JS distance)",
        details: """
        Per country: the mean over its questions of 1 − Jensen–Shannon distance (natural log) between the model's
        option distribution and the country's, with a 95% bootstrap CI and the number of questions.
        Imported runs use the similarities as released (which carry the study's selections-parser quirk); with
        'on goqa' they are recomputed from the dataset's distributions, correctly parsed unless parse=released-quirk.
        'paper' is the figure's setting: the questions all of China, United States, Jordan, Brazil, Nigeria,
        Germany and Australia answered, differences to the United States.
        With a loaded model as SOURCE, the questions of DATASET (default goqa) are scored live first (the
        'method' setting; progress bar; Ctrl-C keeps the finished questions) and the run is stored as well.
        """,
        examples: ["opinions mistral paper as m245", "opinions zephyr countries=Nigeria,Jordan common=Nigeria,Jordan",
                   "opinions mistral on goqa parse=released-quirk paper", "opinions smollm on goqa[0:50]"],
        syntax: Syntax([Operand("SOURCE", .source)],
                       clauses: [Clause("on", Operand("DATASET", .dataset, optional: true))],
                       options: [OptionSpec("countries", .country, list: true, "countries to report (default: all)"),
                                 OptionSpec("common", .country, list: true, "keep questions all of these answered"),
                                 OptionSpec("reference", .country, "differences to this country, or none"),
                                 OptionSpec("parse", .choice(GlobalOpinionsQA.SelectionsParse.allCases.map(\.rawValue)),
                                            "how 'on DATASET' reads the countries' selections"),
                                 OptionSpec("resamples", .integer, "bootstrap resamples (default 1000)")],
                       flags: [FlagSpec("paper", "the paper's 7 countries, their 245 common questions, vs United States")],
                       producesResult: true)
    ) { invocation, shell in
        let subjects = Subjects(shell: shell, invocation: invocation)
        let live = LiveAnalyses(shell: shell, invocation: invocation)
        let source = try invocation.require("SOURCE")
        let parse = invocation.option("parse").flatMap(GlobalOpinionsQA.SelectionsParse.init(rawValue:))
        let run: OpinionRun
        var ranLive = false
        if live.isModel(source) {
            let model = try live.languageModel(source)
            let selection = invocation.clause("on") ?? "goqa"
            guard case .opinions(let questions) = try live.dataset(selection) else {
                throw invocation.failure("'\(selection)' is not a GlobalOpinionsQA dataset")
            }
            let options = LiveRun.OpinionOptions(method: live.method, parse: parse ?? .correct, selection: selection)
            run = try live.running("opinions") { try LiveRun.opinions(model: model, on: questions, options: options, control: $0) }
            live.publishRun(run)
            ranLive = true
        } else {
            run = try subjects.result(source, as: OpinionRun.self, expected: "GlobalOpinionsQA option probabilities",
                                      hint: "import a globalopinionsqa output file or load a model first")
        }
        var options = invocation.has("paper") ? OpinionOptions.paper : OpinionOptions()
        if let countries = invocation.list("countries") { options.countries = countries }
        if let common = invocation.list("common") { options.commonTo = common }
        if let reference = invocation.option("reference") { options.reference = reference == "none" ? nil : reference }
        options.bootstrapResamples = try invocation.integer("resamples", default: options.bootstrapResamples)
        guard options.bootstrapResamples > 0 else { throw invocation.usageError("resamples= must be at least 1") }
        options.seed = UInt64(max(0, shell.settings.integer("seed")))
        if !ranLive, let dataset = invocation.clause("on") {
            guard case .opinions(let questions) = try subjects.dataset(dataset) else {
                throw invocation.failure("'\(dataset)' is not a GlobalOpinionsQA dataset")
            }
            options.similarities = .recompute(questions: questions, parse: parse ?? .correct)
        } else if parse != nil && !ranLive {
            throw invocation.usageError("parse= recomputes similarities and needs 'on goqa'")
        }
        let table = shell.services.countries
        let result = try invocation.analysing { try Opinions.analyze(run, options: options, countries: table) }
        shell.publish(result, for: invocation)
    }

    static let dialects = Command(
        "dialects", group: .analyses, summary: "MD3: word-game accuracy per English dialect, and the US gaps",
        details: """
        Both metrics: generation (the paper's plot) and choice among the six candidates; gaps en_us − en_in / en_ng.
        With a result as SOURCE, 'on md3[…]' reports only the selected games; with a loaded model it runs them.
        """,
        examples: ["dialects zephyr", "dialects mistral as md3-base", "dialects smollm on md3[:60]"],
        syntax: Syntax([Operand("SOURCE", .source)], clauses: [Clause("on", Operand("DATASET", .dataset, optional: true))],
                       producesResult: true)
    ) { invocation, shell in
        let live = LiveAnalyses(shell: shell, invocation: invocation)
        let source = try invocation.require("SOURCE")
        var run: DialectRun
        if live.isModel(source) {
            let model = try live.languageModel(source)
            let selection = invocation.clause("on") ?? "md3"
            guard case .dialects(let items) = try live.dataset(selection) else {
                throw invocation.failure("'\(selection)' is not an MD3 dataset")
            }
            let options = LiveRun.DialectOptions(method: live.method, selection: selection)
            run = try live.running("dialects") { try LiveRun.dialects(model: model, on: items, options: options, control: $0) }
            live.publishRun(run)
        } else {
            let subjects = Subjects(shell: shell, invocation: invocation)
            run = try subjects.result(source, as: DialectRun.self, expected: "MD3 word-game outputs",
                                      hint: "import an md3-game output file or load a model first")
            if let selection = invocation.clause("on") {
                // A selection of the dataset limits the report to those games.
                guard case .dialects(let items) = try subjects.dataset(selection) else {
                    throw invocation.failure("'\(selection)' is not an MD3 dataset (expected e.g. md3[en_ng][:10])")
                }
                run = try invocation.analysing { try run.restricted(to: items, selection: selection) }
            }
        }
        shell.publish(Dialects.analyze(run), for: invocation)
    }

    static let qa = Command(
        "qa", group: .analyses, summary: "TyDiQA-GoldP: SQuAD exact match and F1 per language",
        details: "Scores the generations against the gold answers of the dataset (default: the bundled tydiqa).",
        examples: ["qa zephyr", "qa mistral on tydiqa[telugu]", "qa smollm on tydiqa[english][:20]"],
        syntax: Syntax([Operand("SOURCE", .source)], clauses: [Clause("on", Operand("DATASET", .dataset, optional: true))],
                       producesResult: true)
    ) { invocation, shell in
        let subjects = Subjects(shell: shell, invocation: invocation)
        let live = LiveAnalyses(shell: shell, invocation: invocation)
        let source = try invocation.require("SOURCE")
        if live.isModel(source) {
            let model = try live.languageModel(source)
            guard let selection = invocation.clause("on") else {
                throw invocation.usageError("a live run needs 'on tydiqa[LANGUAGE][:N]' (5,077 questions in all)")
            }
            guard case .qa(let items) = try live.dataset(selection), case .qa(let pool) = try live.dataset("tydiqa") else {
                throw invocation.failure("'\(selection)' is not a TyDiQA dataset")
            }
            let options = LiveRun.QAOptions(seed: UInt64(max(0, shell.settings.integer("seed"))), selection: selection)
            let run = try live.running("qa") { try LiveRun.qa(model: model, on: items, pool: pool, options: options, control: $0) }
            live.publishRun(run)
            shell.publish(try invocation.analysing { try QA.analyze(run, gold: items) }, for: invocation)
            return
        }
        let run = try subjects.result(source, as: QARun.self, expected: "TyDiQA generations",
                                      hint: "import a tydiqa-goldp output directory or load a model first")
        let selection = invocation.clause("on") ?? "tydiqa"
        guard case .qa(var gold) = try subjects.dataset(selection) else {
            throw invocation.failure("'\(selection)' is not a TyDiQA dataset")
        }
        if invocation.clause("on") != nil {
            // A slice of the gold set limits the report to those questions.
            let ids = Set(gold.map(\.id))
            var limited = run
            limited.items = run.items.filter { ids.contains($0.id) }
            let result = try invocation.analysing { try QA.analyze(limited, gold: gold) }
            gold = []
            shell.publish(result, for: invocation)
        } else {
            let result = try invocation.analysing { try QA.analyze(run, gold: gold) }
            shell.publish(result, for: invocation)
        }
    }

    static let choice = Command(
        "choice", group: .analyses, summary: "Belebele: multiple-choice accuracy per language",
        examples: ["choice smollm on belebele[eng][:40]"],
        syntax: Syntax([Operand("SOURCE", .source)], clauses: [Clause("on", Operand("DATASET", .dataset, optional: true))],
                       producesResult: true)
    ) { invocation, shell in
        let live = LiveAnalyses(shell: shell, invocation: invocation)
        let source = try invocation.require("SOURCE")
        let run: ChoiceRun
        if live.isModel(source) {
            let model = try live.languageModel(source)
            let selection = invocation.clause("on") ?? "belebele"
            guard case .reading(let items) = try live.dataset(selection) else {
                throw invocation.failure("'\(selection)' is not a Belebele dataset")
            }
            let options = LiveRun.ChoiceOptions(method: live.method, selection: selection)
            run = try live.running("choice") { try LiveRun.choice(model: model, on: items, options: options, control: $0) }
            live.publishRun(run)
        } else {
            run = try Subjects(shell: shell, invocation: invocation).result(
                source, as: ChoiceRun.self, expected: "Belebele answers",
                hint: "load a model and run it on belebele (the study released no Belebele outputs)")
            if invocation.clause("on") != nil {
                throw invocation.usageError("'on DATASET' needs a loaded model as SOURCE; '\(source)' is a result of its own selection")
            }
        }
        shell.publish(Choice.analyze(run), for: invocation)
    }

    static let rank = Command(
        "rank", group: .analyses, summary: "AskReddit: each country's Mean Rank (lower = more favoured)",
        details: """
        Per question, countries are ranked by reward (or by NLL for language models, lower = better), reversed for
        negative questions; a country's Mean Rank is its mean over the questions. Only the study's 181 countries are
        ranked unless countries=all. With a result as SOURCE, 'on askreddit[…]' ranks on the selected questions only;
        with a loaded model it runs them.
        """,
        examples: ["rank starling", "rank mistral countries=all", "rank mistral on askreddit[sentiment=negative]",
                   "rank smollm on askreddit[:20]"],
        syntax: Syntax([Operand("SOURCE", .source)], clauses: [Clause("on", Operand("DATASET", .dataset, optional: true))],
                       options: [OptionSpec("countries", .choice(["filter", "all"]), "the study's 181 (filter) or every country")],
                       producesResult: true)
    ) { invocation, shell in
        let subjects = Subjects(shell: shell, invocation: invocation)
        let live = LiveAnalyses(shell: shell, invocation: invocation)
        let source = try invocation.require("SOURCE")
        let filter = invocation.option("countries") == "all" ? nil : try subjects.countryList("country-filter")
        var run: CountryPreferenceRun
        if live.isModel(source) {
            let selection = invocation.clause("on") ?? "askreddit"
            guard case .askReddit(let questions) = try live.dataset(selection) else {
                throw invocation.failure("'\(selection)' is not the AskRedditCountries dataset")
            }
            let countries = try filter ?? subjects.countryList("wherefrom")
            if shell.services.models.isRewardModel(source) {
                let model = try live.rewardModel(source)
                run = try live.running("rank") { try LiveRun.askRedditRewards(model: model, on: questions, countries: countries, control: $0) }
            } else {
                let model = try live.languageModel(source)
                let options = LiveRun.RankOptions(selection: selection)
                run = try live.running("rank") {
                    try LiveRun.askRedditRanking(model: model, on: questions, countries: countries, options: options, control: $0)
                }
            }
            live.publishRun(run)
        } else {
            run = try subjects.result(source, as: CountryPreferenceRun.self, expected: "AskReddit NLLs or rewards",
                                      hint: "import an ask-reddit-perplexity or ask-reddit-reward file or load a model first")
            if let selection = invocation.clause("on") {
                // A selection of the dataset limits the ranking to those questions.
                guard case .askReddit(let questions) = try subjects.dataset(selection) else {
                    throw invocation.failure("'\(selection)' is not the AskRedditCountries dataset (expected e.g. askreddit[sentiment=negative])")
                }
                run = try invocation.analysing { try run.restricted(to: questions, selection: selection) }
            }
        }
        let result = try invocation.analysing { try Ranking.meanRanks(run, countries: filter) }
        shell.publish(result, for: invocation)
    }

    static let rewards = Command(
        "rewards", group: .analyses, summary: "where-from rewards: one reward per country (a world map)",
        examples: ["rewards starling-wf", "rewards starling-rm on wherefrom as wf"],
        syntax: Syntax([Operand("SOURCE", .source)], clauses: [Clause("on", Operand("DATASET", .dataset, optional: true))],
                       producesResult: true)
    ) { invocation, shell in
        let live = LiveAnalyses(shell: shell, invocation: invocation)
        let source = try invocation.require("SOURCE")
        if live.isModel(source) {
            let model = try live.rewardModel(source)
            let selection = invocation.clause("on") ?? "wherefrom"
            guard case .countries(let countries) = try live.dataset(selection) else {
                throw invocation.failure("'\(selection)' is not a list of countries (rewards RM on wherefrom)")
            }
            let result = try live.running("rewards") { try LiveRun.whereFrom(model: model, countries: countries, control: $0) }
            shell.publish(result, for: invocation)
            return
        }
        if invocation.clause("on") != nil {
            throw invocation.usageError("'on DATASET' needs a loaded reward model as SOURCE; '\(source)' is not one")
        }
        let result = try Subjects(shell: shell, invocation: invocation).result(
            try invocation.require("SOURCE"), as: RewardsResult.self, expected: "where-from rewards",
            hint: "import reward-testing/where_from_starling-rm-7b-alpha.csv first")
        shell.publish(result, for: invocation)
    }

    static let correlate = Command(
        "correlate", group: .analyses, summary: "Spearman ρ: Mean Ranks vs Gallup, or between models",
        details: """
        with=gallup (the default for one subject) correlates each subject's Mean Ranks of the poll's 21 countries
        with their position in the Gallup 2017 and 2023 orders; with=models (the default for several) gives every
        pair of subjects over the countries they share, drawn as a heatmap.
        """,
        examples: ["correlate starling", "correlate mistral zephyr starling as rho", "correlate mistral with=gallup2023"],
        syntax: Syntax([Operand("SOURCE", .source, repeating: true)],
                       options: [OptionSpec("with", .choice(["gallup", "gallup2017", "gallup2023", "models"]),
                                            "what to correlate against")],
                       producesResult: true)
    ) { invocation, shell in
        let subjects = Subjects(shell: shell, invocation: invocation)
        let ranks = try invocation.values("SOURCE").map(subjects.meanRanks)
        let target = invocation.option("with") ?? (ranks.count > 1 ? "models" : "gallup")
        if target == "models" {
            guard ranks.count >= 2 else { throw invocation.usageError("with=models needs at least two subjects") }
            shell.publish(try invocation.analysing { try Correlation.matrix(ranks) }, for: invocation)
            return
        }
        var polls: [FavorabilityPoll] = []
        if target != "gallup2023" { polls.append(Gallup.order2017) }
        if target != "gallup2017" {
            guard case .favorability(let poll) = try subjects.dataset("gallup2023") else {
                throw invocation.failure("the gallup2023 dataset is not a favourability poll")
            }
            polls.append(poll)
        }
        var rows: [CorrelationResult.Row] = [], details: [String] = []
        for rank in ranks {
            for poll in polls {
                let result = try invocation.analysing { try Correlation.gallup(rank, poll: poll) }
                rows += result.rows
                details += result.details.filter { !details.contains($0) }
            }
        }
        shell.publish(CorrelationResult(rows: rows, details: details), for: invocation)
    }

    static let compare = Command(
        "compare", group: .analyses, summary: "the change of every number along an alignment chain (A -> B -> C)",
        details: "Takes results of one kind (e.g. opinions of base, SFT and preference-tuned models) and reports deltas.",
        examples: ["compare m245 -> z245", "compare $4 -> $5 -> $6 as chain"],
        syntax: Syntax([Operand("RESULT", .result)], chain: true, producesResult: true)
    ) { invocation, shell in
        let entries = try invocation.values("RESULT").map { try OutputCommands.lookup($0, invocation: invocation, in: shell) }
        shell.publish(try invocation.analysing { try Comparison.chain(entries.map(\.result)) }, for: invocation)
    }
}
