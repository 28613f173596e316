import XCTest
@testable import Datasets
import TextFormats

final class PythonLiteralTests: XCTestCase {
    func testStringsWithEveryEscapeForm() throws {
        let value = try PythonLiteral.parse(#"['it\'s', "say \"hi\"", 'tab\there', '\x41\u00e9\U0001F600\101', r'raw\n', 'a' "b"]"#)
        XCTAssertEqual(value, .list([.string("it's"), .string("say \"hi\""), .string("tab\there"),
                                     .string("Aé😀A"), .string("raw\\n"), .string("ab")]))
    }

    func testNumbersKeepTheirText() throws {
        let value = try PythonLiteral.parse("[1.0, 2, -0.5, 1e-05, 3.]")
        XCTAssertEqual(value, .list([.float(1, text: "1.0"), .integer(text: "2"), .float(-0.5, text: "-0.5"),
                                     .float(1e-5, text: "1e-05"), .float(3, text: "3.")]))
        // str() of options renders numbers as Python does.
        guard case .list(let items) = value else { return XCTFail() }
        XCTAssertEqual(items.map(\.pythonStr), ["1.0", "2", "-0.5", "1e-05", "3.0"])
    }

    func testContainers() throws {
        XCTAssertEqual(try PythonLiteral.parse("(1,)"), .tuple([.integer(text: "1")]))
        XCTAssertEqual(try PythonLiteral.parse("(1)"), .integer(text: "1"))
        XCTAssertEqual(try PythonLiteral.parse("{'a': [True, None], 'b': {}}"),
                       .dict([PythonDictEntry(key: .string("a"), value: .list([.bool(true), .none])),
                              PythonDictEntry(key: .string("b"), value: .dict([]))]))
    }

    func testMalformedLiteralsAreErrorsWithPosition() {
        let cases: [(String, String)] = [
            ("['a', 'b'", "unterminated list or tuple at character 10"),
            ("['a' 'b]", "unterminated string at character 6"),
            ("[1, 2,, 3]", "unexpected character ',' at character 7"),
            ("[nan]", "inf/nan are not Python literals at character 2"),
            ("[x]", "unexpected character 'x' at character 2"),
            ("[1] 2", "unexpected text after the literal at character 5"),
            ("[007]", "leading zeros in an integer literal at character 2"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try PythonLiteral.parse(text), text) { XCTAssertEqual("\($0)", message, text) }
        }
    }

    func testDefaultDictRepr() throws {
        let entries = try PythonLiteral.parseDefaultDict("defaultdict(<class 'list'>, {'Belgium': [0.21, 0.03], 'S. Korea': [1.0, 0.0]})")
        XCTAssertEqual(entries.map(\.key), [.string("Belgium"), .string("S. Korea")])
        XCTAssertThrowsError(try PythonLiteral.parseDefaultDict("defaultdict(<class 'list'>, {'a': [1]}")) {
            XCTAssertEqual("\($0)", "expected ')' closing defaultdict( at character 39")
        }
    }

    func testStringReprMatchesPython() {
        XCTAssertEqual(PythonText.repr("it's"), "\"it's\"")
        XCTAssertEqual(PythonText.repr("a'b\"c"), "'a\\'b\"c'")
        XCTAssertEqual(PythonText.repr("x\ny\u{1}"), "'x\\ny\\x01'")
    }

    func testFloatReprMatchesPython() {
        // Values on both sides of Python's switch to scientific notation (1e16 and 1e-4).
        let expected: [(Double, String)] = [
            (1e16, "1e+16"), (9.5e15, "9500000000000000.0"), (1e15, "1000000000000000.0"), (1e-5, "1e-05"),
            (0.0001, "0.0001"), (0.00009, "9e-05"), (1, "1.0"), (100, "100.0"), (0.052000000000000005, "0.052000000000000005"),
            (-0.0, "-0.0"), (2.5e-7, "2.5e-07"), (1.2345678901234568e17, "1.2345678901234568e+17"), (5e-324, "5e-324"),
        ]
        for (value, text) in expected { XCTAssertEqual(PythonFloat.repr(value), text) }
    }

    func testFloatParseFollowsPythonFloat() {
        XCTAssertEqual(PythonFloat.parse("0."), 0)
        XCTAssertEqual(PythonFloat.parse("1e-0"), 1)
        XCTAssertEqual(PythonFloat.parse(" 1_000.5 "), 1000.5)
        XCTAssertEqual(PythonFloat.parse("-inf"), -.infinity)
        XCTAssertNil(PythonFloat.parse("0x10"))
        XCTAssertNil(PythonFloat.parse(""))
        XCTAssertNil(PythonFloat.parse("1e"))
        XCTAssertNil(PythonFloat.parse("1__0"))
    }
}
