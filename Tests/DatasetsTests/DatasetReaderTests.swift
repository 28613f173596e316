import XCTest
@testable import Datasets
import TestSupport

final class DatasetReaderTests: XCTestCase {
    // MARK: MD3

    func testProcessedMD3Items() throws {
        let loaded = try MD3.loadProcessed(path: Paths.datasets + "/md3/md3-items.csv")
        XCTAssertEqual(loaded.items.count, 894)
        XCTAssertEqual(MD3.dialects.map { d in loaded.items.filter { $0.dialect == d }.count }, [216, 251, 427])
        let first = try XCTUnwrap(loaded.items.first)
        XCTAssertEqual(first.correctWord, "Electron")
        XCTAssertEqual(first.distractors, ["Atom", "Particle", "Molecule", "Physics", "Proton"])
        XCTAssertTrue(first.transcript.hasPrefix("Speaker0: ok\nSpeaker1: ok\n"))
    }

    /// The raw layout with the study's cleaning, on a hand-written fixture of that layout.
    func testRawMD3Cleaning() throws {
        let directory = Paths.repository.appendingPathComponent("Tests/Fixtures/md3-raw").path
        let curation = try MD3.Curation.load(path: Paths.datasets + "/md3/md3-curation.json")
        XCTAssertEqual(curation.skip.count, 11)
        XCTAssertEqual(curation.alternatives.count, 163)
        let loaded = try MD3.loadRaw(directory: directory, curation: curation)
        XCTAssertEqual(loaded.items.map(\.clip), ["b7x2k9qa_r02_s1_p003", "0k9nzctj_r02_s0_p008", "0iozllt3_r03_s1_p000",
                                                  "4g5ds93k_r02_s0_p001"])
        XCTAssertEqual(loaded.items[0].transcript, """
            Speaker0: ok so this one
            Speaker0: you hold it when it is falling from the sky
            Speaker1: the "water" from above?
            Speaker0: yes yes
            Speaker1: hmm
            """)
        XCTAssertEqual(loaded.items[0].distractors, ["Rain", "Shade", "Wet", "Cover", "Sun"])
        // Cut at the curated spelling "Christiano Ronaldo", not the correct word.
        XCTAssertEqual(loaded.items[1].transcript, "Speaker1: he plays for portugal no wait I can't say that\nSpeaker1: the number seven the goat")
        XCTAssertEqual(loaded.items[1].correctWord, "Cristiano Ronaldo")
        // A curated `null`: the whole transcript.
        XCTAssertEqual(loaded.items[2].transcript, "Speaker1: the food at every party\nSpeaker0: fried rice")
        // pandas reads "NA" as missing.
        XCTAssertEqual(loaded.items[3].transcript, "Speaker0: tall building by the ocean")
        XCTAssertEqual(loaded.items[3].dialect, "en_us")
        XCTAssertEqual(loaded.report.curatedSkips, 1)
        XCTAssertEqual(loaded.report.answerNotFound, ["9q1w2e3r_r03_s0_p004"])

        // Through the catalog: `open md3 DIR` tells the raw layout from the directory and applies the bundled curation.
        let catalog = DatasetCatalog.bundled(root: Paths.datasets)
        XCTAssertEqual(try catalog.open(name: "md3raw", path: directory).kind, .md3Raw)
        XCTAssertEqual(try catalog.load("md3raw").dataset.count, 4)
    }

    func testRawMD3WithoutFiles() throws {
        let empty = try Paths.temporaryDirectory()
        XCTAssertThrowsError(try MD3.loadRaw(directory: empty)) { error in
            XCTAssertTrue("\(error)".contains("no MD3 files"))
        }
    }

    // MARK: TyDiQA

    func testTyDiQADevSet() throws {
        let items = try TyDiQA.load(fileOrDirectory: Paths.datasets + "/tydiqa").items
        XCTAssertEqual(items.count, 5077)
        let counts = Dictionary(grouping: items, by: \.language).mapValues(\.count)
        XCTAssertEqual(counts["english"], 440)
        XCTAssertEqual(counts["telugu"], 669)
        XCTAssertEqual(items.first { $0.id == "english--3215621880858840488-2" }?.answers, ["Wound care"])
    }

    func testTyDiQAMalformedItems() throws {
        let path = try Paths.temporaryDirectory() + "/bad.json"
        try Paths.write("""
        {"data": [{"title": "T", "paragraphs": [
          {"context": "C", "qas": [
            {"id": "english-1", "question": "Q?", "answers": [{"text": "A", "answer_start": 0}]},
            {"id": "klingon-2", "question": "Q?", "answers": [{"text": "A", "answer_start": 0}]},
            {"id": "english-3", "question": "Q?", "answers": []}
          ]}]}]}
        """, to: path)
        XCTAssertThrowsError(try TyDiQA.load(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path):4: $.data[0].paragraphs[0].qas[1]: id 'klingon-2' does not start with a TyDiQA language")
        }
        let lenient = try TyDiQA.load(path: path, policy: .skip)
        XCTAssertEqual(lenient.items.map(\.id), ["english-1"])
        XCTAssertEqual(lenient.skipped.count, 2)
        try Paths.write("{\"data\": [", to: path)
        XCTAssertThrowsError(try TyDiQA.load(path: path)) { XCTAssertEqual("\($0)", "\(path):1: unexpected end of input") }
    }

    // MARK: Belebele

    func testBelebeleConvertedLayout() throws {
        let items = try Belebele.load(path: Paths.datasets + "/belebele/eng_Latn.converted.jsonl").items
        XCTAssertEqual(items.count, 900)
        XCTAssertEqual(items[0].language, "eng_Latn")
        XCTAssertEqual(items[0].answers.count, 4)
        XCTAssertEqual(items[0].correctIndex, 0)
        XCTAssertEqual(items[0].link, "https://en.wikibooks.org/wiki/Accordion/Right_hand")
        XCTAssertEqual(items[1].questionNumber, 2)
        XCTAssertEqual(try Belebele.load(path: Paths.datasets + "/belebele/deu_Latn.converted.jsonl").items.count, 900)
    }

    func testBelebeleOriginalLayoutAndErrors() throws {
        let path = try Paths.temporaryDirectory() + "/eng_Latn.jsonl"
        try Paths.write("""
        {"link": "https://en.wikibooks.org/wiki/Accordion/Right_hand", "question_number": 1, "flores_passage": "P", "question": "Q?", "mc_answer1": "a", "mc_answer2": "b", "mc_answer3": "c", "mc_answer4": "d", "correct_answer_num": "3", "dialect": "eng_Latn", "ds": "2023-05-03"}

        {"link": "l", "question_number": 2, "flores_passage": "P", "question": "Q?", "mc_answer1": "a", "mc_answer2": "b", "mc_answer3": "c", "mc_answer4": "d", "correct_answer_num": "5", "dialect": "eng_Latn"}
        {"link": "l", "question_number": 1, "flores_passage": "P", "question": "Q?"
        """, to: path)
        XCTAssertThrowsError(try Belebele.load(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path):3: $.correct_answer_num: correct_answer_num must be 1–4")
        }
        let lenient = try Belebele.load(path: path, policy: .skip)
        XCTAssertEqual(lenient.items.count, 1)
        XCTAssertEqual(lenient.items[0].correctIndex, 2)
        XCTAssertEqual(lenient.items[0].questionNumber, 1)
        XCTAssertEqual(lenient.skipped.count, 2)
        XCTAssertEqual(lenient.skipped.examples[1].line, 4)
    }

    // MARK: AskReddit and Gallup

    func testAskRedditCountries() throws {
        let questions = try AskReddit.load(path: Paths.datasets + "/askreddit/AskRedditCountries_final.csv").questions
        XCTAssertEqual(questions.count, 554)
        XCTAssertEqual(questions.filter { $0.sentiment == .positive }.count, 323)
        XCTAssertEqual(Set(questions.map(\.category)).count, 11)
        XCTAssertEqual(questions[0].responseFormat, "I think {country} has the most wasted potential.")
    }

    func testAskRedditMalformedRows() throws {
        let path = try Paths.temporaryDirectory() + "/ar.csv"
        try Paths.write("""
        Search Query,Sentiment,Questions,Response Format,Category
        Which Country,neutral,Which?,{country}.,Travel
        Which Country,positive,Which?,No placeholder.,Travel
        Which Country,positive,Which?,{country}.,Travel

        """, to: path)
        XCTAssertThrowsError(try AskReddit.load(path: path)) {
            XCTAssertEqual("\($0)", "\(path):2: Sentiment must be 'positive' or 'negative', found 'neutral'")
        }
        let lenient = try AskReddit.load(path: path, policy: .skip)
        XCTAssertEqual(lenient.questions.count, 1)
        XCTAssertEqual(lenient.skipped.count, 2)
    }

    func testGallupPolls() throws {
        let table = try CountryTable.load(naturalEarth: Paths.datasets + "/" + BundledData.naturalEarth,
                                          studyNames: Paths.datasets + "/" + BundledData.studyCountries)
        let poll = try Gallup.load2023(path: Paths.datasets + "/" + BundledData.gallup2023, countries: table)
        XCTAssertEqual(poll.countries, ["Canada", "United Kingdom", "France", "Japan", "Germany", "Taiwan", "India", "Israel",
                                        "Ukraine", "Egypt", "Brazil", "Mexico", "Cuba", "Saudi Arabia", "Palestine", "Iraq",
                                        "Afghanistan", "China", "Iran", "Russia", "North Korea"])
        XCTAssertEqual(poll.percentFavorable?.first, 88)
        XCTAssertEqual(Gallup.order2017.countries.count, 21)
        let names = Set(table.countries.map(\.name))
        XCTAssertTrue(Gallup.order2017.countries.allSatisfy(names.contains))
    }
}
