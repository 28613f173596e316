import XCTest
@testable import Shell

final class LexerTests: XCTestCase {
    private func words(_ text: String) throws -> [String] {
        try Lexer.statements(in: text).first?.tokens.map(\.text) ?? []
    }

    func testWordsQuotesAndBrackets() throws {
        XCTAssertEqual(try words(#"score m "The capital is" " Paris" ' Rome\n' as s1"#),
                       ["score", "m", "The capital is", " Paris", #" Rome\n"#, "as", "s1"])
        XCTAssertEqual(try words("opinions z on goqa[country=United States][0:10] as x"),
                       ["opinions", "z", "on", "goqa[country=United States][0:10]", "as", "x"])
        XCTAssertEqual(try words(#"ask m "a\tb\n\"c\" \u{1F600}""#), ["ask", "m", "a\tb\n\"c\" 😀"])
    }

    func testOptionsAreRecognisedOnlyWhenBare() throws {
        let tokens = try Lexer.statements(in: #"x countries="United States,China" "a=b" goqa[k=v]"#)[0].tokens
        XCTAssertEqual(tokens[1].option?.key, "countries")
        XCTAssertEqual(tokens[1].option?.value, "United States,China")
        XCTAssertNil(tokens[2].option)
        XCTAssertNil(tokens[3].option)
    }

    func testStatementsSplitOnSemicolonsAndNewlinesButNotInsideQuotes() throws {
        let statements = try Lexer.statements(in: "help; set rows=3\n# a comment\nask m \"one;\ntwo\"  # trailing\n")
        XCTAssertEqual(statements.map(\.text), ["help", "set rows=3", "ask m \"one;\ntwo\"  # trailing"])
        XCTAssertEqual(statements.map(\.line), [1, 1, 3])
        XCTAssertEqual(statements[2].tokens.map(\.text), ["ask", "m", "one;\ntwo"])
    }

    func testBackslashContinuesALine() throws {
        let statements = try Lexer.statements(in: "opinions z \\\n  countries=China")
        XCTAssertEqual(statements.count, 1)
        XCTAssertEqual(statements[0].tokens.map(\.text), ["opinions", "z", "countries=China"])
    }

    func testIncompleteInputAsksForMore() {
        XCTAssertTrue(Lexer.needsContinuation("ask m \"Tell me"))
        XCTAssertTrue(Lexer.needsContinuation("opinions z on goqa[0:"))
        XCTAssertTrue(Lexer.needsContinuation("opinions z \\"))
        XCTAssertFalse(Lexer.needsContinuation("ask m \"done\""))
        XCTAssertFalse(Lexer.needsContinuation("help ]"))
    }

    func testErrorsNameTheLine() {
        XCTAssertThrowsError(try Lexer.statements(in: "help\nask m 'open")) { error in
            XCTAssertEqual("\(error)", "line 2: unterminated single-quoted string")
        }
        XCTAssertThrowsError(try Lexer.statements(in: "show x]")) { error in
            XCTAssertEqual("\(error)", "line 1: ']' without an opening '['")
        }
    }

    func testPartialWordsForCompletion() {
        let (words, current) = Lexer.partialWords("opinions zep")
        XCTAssertEqual(words.map(\.text), ["opinions"])
        XCTAssertEqual(current?.text, "zep")
        let (after, none) = Lexer.partialWords("help; opinions ")
        XCTAssertEqual(after.map(\.text), ["opinions"])
        XCTAssertNil(none)
    }

    func testEditDistanceAndSuggestions() {
        XCTAssertEqual(Suggest.distance("opinons", "opinions"), 1)
        XCTAssertEqual(Suggest.distance("ehlp", "help"), 1)  // a transposition counts once
        XCTAssertEqual(Suggest.closest(to: "exprot", in: ["export", "plot"]), "export")
        XCTAssertNil(Suggest.closest(to: "zzz", in: ["export", "plot"]))
    }
}
