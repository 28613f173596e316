import Datasets
import XCTest
@testable import Evaluations
import TestSupport

final class AnalysisTests: XCTestCase {
    static let outputs = Paths.datasets + "/paper-outputs"
    static var mistral: OpinionRun? { try? Released.result("globalopinionsqa/Mistral-7B-v0.1_8bit.csv", as: OpinionRun.self) }
    static var zephyr: OpinionRun? { try? Released.result("globalopinionsqa/zephyr-7b-beta_8bit.csv", as: OpinionRun.self) }

    func testEveryReleasedFileImportsIntoItsType() throws {
        let expected: [(String, String, ResultKind)] = [
            ("globalopinionsqa/zephyr-7b-beta_8bit.csv", "OpinionRun", .scores),
            ("md3-game/Mistral-7B-v0.1_8bit-no-answers.csv", "DialectRun", .generations),
            ("tydiqa-goldp/zephyr-7b-beta_8bit", "QARun", .generations),
            ("tydiqa-goldp/zephyr-7b-beta_8bit/swahili.json", "QARun", .generations),
            ("ask-reddit-perplexity/Mistral-7B-v0.1-reformatted.csv", "CountryPreferenceRun", .scores),
            ("ask-reddit-reward/starling-rm-7b-alpha-reformatted.csv", "CountryPreferenceRun", .scores),
            ("reward-testing/where_from_starling-rm-7b-alpha.csv", "RewardsResult", .rewards),
            ("results/starling_rm_df_filtered_USA.csv", "MeanRankResult", .meanRank),
            ("results/correlations.txt", "CorrelationResult", .correlation),
            ("results/tulu-sft-languages.csv", "TableResult", .scores),
            ("results/ultrachat-languages-count.csv", "TableResult", .scores),
        ]
        for (file, type, kind) in expected {
            let result = try Released.result(file)
            XCTAssertEqual(String(describing: Swift.type(of: result)), type, file)
            XCTAssertEqual(result.kind, kind, file)
            XCTAssertFalse(result.table().rows.isEmpty, file)
            XCTAssertFalse(result.title.isEmpty, file)
        }
        let run = try XCTUnwrap(Self.zephyr)
        XCTAssertEqual(run.model, "zephyr-7b-beta")
        XCTAssertEqual(run.questions.count, 2556)
        XCTAssertEqual(run.questions.flatMap(\.similarities.values).filter(\.isNaN).count, 85)
        let swahili = try XCTUnwrap(try Importer.import(file: Self.outputs + "/tydiqa-goldp/zephyr-7b-beta_8bit/swahili.json") as? QARun)
        XCTAssertEqual(swahili.model, "zephyr-7b-beta_8bit")
        XCTAssertEqual(swahili.items.count, 499)
        let whereFrom = try XCTUnwrap(try Importer.import(file: Self.outputs + "/reward-testing/where_from_starling-rm-7b-alpha.csv") as? RewardsResult)
        XCTAssertEqual(whereFrom.model, "Starling-RM-7B-alpha")
        XCTAssertEqual(whereFrom.rows.count, 254)
        guard case .countries(_, _, let values) = whereFrom.chart else { return XCTFail("a world map") }
        XCTAssertEqual(values.count, 254)
        let languages = try Importer.import(file: Self.outputs + "/results/tulu-sft-languages-count.csv")
        XCTAssertEqual(languages.table().columns, ["language", "count"])
    }

    func testMalformedReleasedFilesNameFileAndLine() throws {
        let directory = try Paths.temporaryDirectory()
        let goqa = directory + "/goqa.csv"
        try Paths.write("""
        question,options,probs,model_id,load_8bit,max_choice,chose_first,chose_last,chose_middle,Chile,Peru
        Q1,"['a', 'b']","[0.5, 0.5]",m,True,0,True,False,False,-1.0,0.7
        Q2,"['a', 'b']","[0.5, 0.5, 0.1]",m,True,0,True,False,False,-1.0,0.7
        Q3,"['a', 'b']","[0.5, 0.5]",m,True,0,True,False,False,x,0.7

        """, to: goqa)
        XCTAssertThrowsError(try Importer.import(file: goqa)) {
            XCTAssertEqual("\($0)", "\(goqa):3: probs has 3 values for 2 options")
        }
        let lenient = try XCTUnwrap(try Importer.import(file: goqa, policy: .skip) as? OpinionRun)
        XCTAssertEqual(lenient.questions.count, 1)
        XCTAssertEqual(lenient.questions[0].similarities, ["Peru": 0.7])
        XCTAssertTrue(lenient.notes.contains { $0.hasPrefix("skipped 2 malformed rows") })

        let generations = directory + "/english.json"
        try Paths.write(#"{"english-1": "A", "english-2": 5}"#, to: generations)
        XCTAssertThrowsError(try Importer.import(file: generations)) { XCTAssertEqual("\($0)", "\(generations): $.english-2: expected a string") }

        let unknown = directory + "/other.csv"
        try Paths.write("a,b\n1,2\n", to: unknown)
        XCTAssertThrowsError(try Importer.import(file: unknown)) { XCTAssertTrue("\($0)".hasPrefix("\(unknown):1: not a recognised released output")) }
        XCTAssertThrowsError(try Importer.import(file: directory + "/missing.csv")) { XCTAssertTrue("\($0)".hasSuffix("no such file or directory")) }

        let correlations = directory + "/correlations.txt"
        try Paths.write("2017 Spearman Correlation\nSignificanceResult(statistic=oops)\n", to: correlations)
        XCTAssertThrowsError(try Importer.import(file: correlations)) {
            XCTAssertEqual("\($0)", "\(correlations):2: expected SignificanceResult(statistic=…, pvalue=…)")
        }
    }

    /// The shell opens a bundled file by its absolute path but names it as the user should see it
    /// (`paper-outputs/…`): every note and error then carries that name, never the checkout's path.
    func testImportedFilesAreNamedAsShown() throws {
        let directory = try Paths.temporaryDirectory()
        let goqa = directory + "/goqa.csv"
        try Paths.write("""
        question,options,probs,model_id,load_8bit,max_choice,chose_first,chose_last,chose_middle,Chile,Peru
        Q1,"['a', 'b']","[0.5, 0.5]",m,True,0,True,False,False,-1.0,0.7
        Q2,"['a', 'b']","[0.5, 0.5, 0.1]",m,True,0,True,False,False,-1.0,0.7

        """, to: goqa)
        XCTAssertThrowsError(try Importer.import(file: goqa, shownAs: "outputs/goqa.csv")) {
            XCTAssertEqual("\($0)", "outputs/goqa.csv:3: probs has 3 values for 2 options")
        }
        let lenient = try Importer.import(file: goqa, shownAs: "outputs/goqa.csv", policy: .skip)
        XCTAssertEqual(lenient.notes.filter { $0.contains(directory) }, [])
        XCTAssertTrue(lenient.notes.contains("imported from outputs/goqa.csv"), "\(lenient.notes)")
        XCTAssertTrue(lenient.notes.contains("skipped 1 malformed row (first: outputs/goqa.csv:3: probs has 3 values for 2 options)"),
                      "\(lenient.notes)")

        let generations = directory + "/english.json"
        try Paths.write(#"{"english-1": "A", "english-2": 5}"#, to: generations)
        XCTAssertThrowsError(try Importer.import(file: generations, shownAs: "g/english.json")) {
            XCTAssertEqual("\($0)", "g/english.json: $.english-2: expected a string")
        }

        let bundled = Paths.datasets + "/paper-outputs/"
        for (relative, note) in [
            ("tydiqa-goldp/zephyr-7b-beta_8bit", "imported from paper-outputs/tydiqa-goldp/zephyr-7b-beta_8bit"),
            ("results/correlations.txt", "imported from paper-outputs/results/correlations.txt (the study's printed scipy results; n not recorded)"),
            ("results/starling_rm_df_filtered_USA.csv", "imported from paper-outputs/results/starling_rm_df_filtered_USA.csv: the study's released Mean Ranks (reward model, 181-country ranking)"),
            ("md3-game/zephyr-7b-beta_8bit-no-answers.csv", "imported from paper-outputs/md3-game/zephyr-7b-beta_8bit-no-answers.csv"),
        ] {
            let result = try Importer.import(file: bundled + relative, shownAs: "paper-outputs/" + relative)
            XCTAssertTrue(result.notes.contains(note), "\(relative): \(result.notes)")
            XCTAssertEqual(result.notes.filter { $0.contains(Paths.datasets) }, [], relative)
        }
    }

    /// A percentage's bar prints the decimals its table prints (0.0, not 0.0000, for an accuracy of zero).
    func testPercentBarsCarryTheTablesDigits() throws {
        let dialects = Dialects.analyze(try Released.result("md3-game/zephyr-7b-beta_8bit-no-answers.csv", as: DialectRun.self))
        let wrong = ChoiceOutcome(language: "eng_Latn", question: "q", probabilities: [0.7, 0.1, 0.1, 0.1], correctIndex: 2)
        let choice = Choice.analyze(ChoiceRun(model: "m", method: .meanNLL, template: "paper", items: [wrong, wrong],
                                              origin: .live(dataset: "belebele[eng][:2]")))
        for result in [dialects, choice] as [any AnalysisResult] {
            guard case .bars(_, _, let bars)? = result.chart else { return XCTFail("\(result.title) draws no bars") }
            let table = result.table()
            let column = try XCTUnwrap(table.columns.firstIndex(of: "accuracy"))
            let digits = table.rows.compactMap { row -> Int? in
                if case .number(_, let digits) = row[column] { return digits } else { return nil }
            }
            XCTAssertEqual(bars.map(\.digits), digits, result.title)
        }
    }

    /// Recomputing similarities from the dataset: with the quirk the published values come back; with the
    /// correct parse the 915 quirk-affected pairs change.
    func testRecomputedSimilaritiesWithEitherParse() throws {
        let run = try XCTUnwrap(Self.mistral)
        let pairs = try GlobalOpinionsQA.loadPairs(path: Paths.datasets + "/goqa/goqa-pairs.json").questions
        let correct = try Opinions.similarities(run, .recompute(questions: pairs, parse: .correct)).0
        let quirk = try Opinions.similarities(run, .recompute(questions: pairs, parse: .releasedCodeQuirk)).0
        XCTAssertEqual(correct.count, 1301)
        let released = Dictionary(run.questions.map { ($0.question, $0) }, uniquingKeysWith: { a, _ in a })
        var changed = 0, quirkMatches = 0, compared = 0
        for (fixed, quirked) in zip(correct, quirk) {
            let published = try XCTUnwrap(released[fixed.question])
            for (country, value) in fixed.similarities {
                guard let expected = published.similarities[country], !expected.isNaN else { continue }
                compared += 1
                if abs(value - expected) > 1e-6 { changed += 1 }
                if let q = quirked.similarities[country], abs(q - expected) < 1e-6 { quirkMatches += 1 }
            }
        }
        XCTAssertEqual(compared, 4624)
        XCTAssertEqual(changed, 915)
        // The pairs file cannot say which country closed its question's dict, so the quirk is applied to all
        // pairs: right for all but the 77 whose country closed its dict (the released code left those intact).
        XCTAssertEqual(quirkMatches, 4624 - 77)

        let summary = try Opinions.analyze(run, options: OpinionOptions(countries: ["Nigeria", "USA"], reference: "United States",
                                                                            similarities: .recompute(questions: pairs, parse: .correct)),
                                           countries: CountryTableFixture.table)
        XCTAssertEqual(summary.rows.map(\.country), ["Nigeria", "United States"])
        XCTAssertTrue(summary.notes[0].hasPrefix("similarities recomputed with the correct parse for 1301 of 2556 questions"))
        XCTAssertEqual(summary.differences.map(\.country), ["Nigeria"])
    }

    func testOpinionOptionsAndBootstrap() throws {
        let run = try XCTUnwrap(Self.zephyr)
        let a = try Opinions.analyze(run, options: .paper)
        let b = try Opinions.analyze(run, options: .paper)
        XCTAssertEqual(a, b, "the bootstrap is seeded")
        let other = try Opinions.analyze(run, options: { var o = OpinionOptions.paper; o.seed = 7; return o }())
        XCTAssertNotEqual(a.rows.map(\.ciLow), other.rows.map(\.ciLow))
        XCTAssertEqual(a.rows.map(\.similarity), other.rows.map(\.similarity))
        XCTAssertEqual(a.table().columns, ["model", "country", "similarity", "questions", "ci_low", "ci_high"])
        // Differences to the US: the paper's finding that Zephyr moved away from China, Jordan and Nigeria.
        let differences = Dictionary(uniqueKeysWithValues: a.differences.map { ($0.country, $0.difference) })
        XCTAssertEqual(Decimals.format(try XCTUnwrap(differences["Jordan"]), digits: 4), "-0.0358")
        guard case .bars(_, _, let bars) = a.chart else { return XCTFail() }
        XCTAssertEqual(bars.count, 6)
        // All countries, no subset: every label that answered anything.
        let all = try Opinions.analyze(run, options: OpinionOptions(bootstrapResamples: 50))
        XCTAssertEqual(all.rows.count, 138)
        XCTAssertThrowsError(try Opinions.analyze(run, options: OpinionOptions(countries: ["Nigerya"]))) {
            XCTAssertEqual("\($0)", "no country 'Nigerya' in this result (did you mean Nigeria?)")
        }
    }

    func testCompareAlongAChain() throws {
        let mistral = try Opinions.analyze(try XCTUnwrap(Self.mistral), options: .paper)
        let zephyr = try Opinions.analyze(try XCTUnwrap(Self.zephyr), options: .paper)
        let comparison = try Comparison.chain([mistral, zephyr])
        XCTAssertEqual(comparison.chain, ["Mistral-7B-v0.1", "zephyr-7b-beta"])
        XCTAssertEqual(comparison.table().columns, ["from", "to", "key", "metric", "before", "after", "delta"])
        let china = try XCTUnwrap(comparison.rows.first { $0.key == "China" })
        XCTAssertEqual(Decimals.format(china.delta, digits: 4), "-0.0220")

        let dialects = try ["md3-game/Mistral-7B-v0.1_8bit-no-answers.csv", "md3-game/zephyr-7b-beta_8bit-no-answers.csv"].map {
            Dialects.analyze(try Released.result($0, as: DialectRun.self))
        }
        let gaps = try Comparison.chain(dialects)
        let gap = try XCTUnwrap(gaps.rows.first { $0.key == "en_us − en_in" && $0.metric == "generation gap" })
        XCTAssertEqual(Decimals.format(gap.before, digits: 1), "1.0")
        XCTAssertEqual(Decimals.format(gap.after, digits: 1), "20.0")
        XCTAssertThrowsError(try Comparison.chain([mistral, dialects[0]])) { XCTAssertTrue("\($0)".hasPrefix("compare needs results of one kind")) }
        XCTAssertThrowsError(try Comparison.chain([mistral])) { XCTAssertTrue("\($0)".hasPrefix("compare needs at least two")) }
    }

    func testMetricsAgainstTheirDefinitions() {
        // scipy.spatial.distance.jensenshannon([0.2, 0.8], [0.5, 0.5]) = 0.22510405812771547 (natural log).
        XCTAssertEqual(OpinionSimilarity.jensenShannonDistance([0.2, 0.8], [0.5, 0.5]), 0.22510405812771547, accuracy: 1e-15)
        XCTAssertEqual(OpinionSimilarity.jensenShannonDistance([2, 8], [1, 1]), 0.22510405812771547, accuracy: 1e-15)
        XCTAssertTrue(OpinionSimilarity.jensenShannonDistance([0, 0], [1, 1]).isNaN)
        // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) = (0.8207826816681233, 0.08858700531354381).
        let (rho, p) = try! XCTUnwrap(RankStatistics.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]))
        XCTAssertEqual(rho, 0.8207826816681233, accuracy: 1e-14)
        XCTAssertEqual(p, 0.08858700531354381, accuracy: 1e-14)
        XCTAssertEqual(RankStatistics.averageRanks([3, 1, 3, 2]), [3.5, 1, 3.5, 2])
        // SQuAD normalisation: punctuation, articles as whole words only, whitespace, Unicode lower-casing.
        XCTAssertEqual(SQuADMetric.normalize("The  Cat's\tan-apple, A theory!"), "cats anapple theory")
        XCTAssertEqual(SQuADMetric.normalize("ÉCOLE the"), "école")
        XCTAssertTrue(SQuADMetric.exactMatch("the Eiffel Tower.", "Eiffel tower"))
        XCTAssertEqual(SQuADMetric.f1("Amos and Wilfrid", "Amos and Wilfrid Ayre"), 2 * 1 * 0.75 / 1.75, accuracy: 1e-15)
        XCTAssertEqual(SQuADMetric.extractAnswer("  Wound care\n\nContext: more"), "Wound care")
        XCTAssertEqual(SQuADMetric.extractAnswer("one\ntwo"), "one\ntwo")
        XCTAssertTrue(DialectMetrics.generationIsCorrect("I think it is ELECTRON.", correct: "Electron", distractors: ["Atom"]))
        XCTAssertFalse(DialectMetrics.generationIsCorrect("Electron or atom", correct: "Electron", distractors: ["Atom"]))
        XCTAssertEqual(Decimals.format(0.58719, digits: 4), "0.5872")
        XCTAssertEqual(Decimals.format(-0.00004, digits: 4), "0.0000")
    }
}

enum CountryTableFixture {
    static let table: CountryTable? = try? CountryTable.load(
        naturalEarth: Paths.datasets + "/" + BundledData.naturalEarth,
        studyNames: Paths.datasets + "/" + BundledData.studyCountries)
}
