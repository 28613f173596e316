import TextFormats
import XCTest

/// Expected values are what Python 3.11 gives.
final class PythonTextTests: XCTestCase {
    func testFloatReprIsPythons() {
        let cases: [(Double, String)] = [
            (0, "0.0"), (-0.0, "-0.0"), (1, "1.0"), (1.5, "1.5"), (0.1, "0.1"), (1e-5, "1e-05"), (1e-4, "0.0001"),
            (0.0001234, "0.0001234"), (123456789012345.6, "123456789012345.6"), (1e15, "1000000000000000.0"),
            (1e16, "1e+16"), (9007199254740992, "9007199254740992.0"), (1.5e16, "1.5e+16"), (2.5e-7, "2.5e-07"),
            (1e300, "1e+300"), (.leastNonzeroMagnitude, "5e-324"), (1.0 / 3, "0.3333333333333333"), (-2.5, "-2.5"),
            (.infinity, "inf"), (-.infinity, "-inf"), (.nan, "nan"), (100, "100.0"), (1e22, "1e+22"),
        ]
        for (value, text) in cases { XCTAssertEqual(PythonFloat.repr(value), text) }
    }

    func testFloatParseIsPythonsFloat() {
        let cases: [(String, Double?)] = [
            ("1_000.5", 1000.5), (" 1.5 ", 1.5), ("1_.5", nil), ("1._5", nil), ("1e_5", nil), ("+-5", nil),
            ("-inf", -.infinity), ("InFinity", .infinity), ("0x10", nil), ("", nil), ("1e", nil), ("1__0", nil),
            (".5", 0.5), ("5.", 5), ("-.5e3", -500), ("1e400", .infinity), ("\u{A0}1\u{2003}", 1),
            ("1_0e1_0", 1e11), ("e5", nil), (".", nil), ("+", nil), (".e5", nil), ("1.5e+3", 1500), ("1.5E-3", 0.0015),
            ("0.", 0), ("1e-0", 1),
        ]
        for (text, value) in cases { XCTAssertEqual(PythonFloat.parse(text), value, text) }
        XCTAssertTrue(PythonFloat.parse("nan")?.isNaN ?? false)
        XCTAssertTrue(PythonFloat.parse("-NaN")?.isNaN ?? false)
    }

    func testStrSemantics() {
        XCTAssertEqual(PythonText.strip("\u{1C}\u{85} a b\u{3000}\t"), "a b")
        XCTAssertEqual(PythonText.strip("xxaxx", chars: "x", trailing: false), "axx")
        XCTAssertTrue(PythonText.contains("caf\u{E9}", "\u{E9}"))
        XCTAssertFalse(PythonText.contains("cafe\u{301}", "\u{E9}"), "code points, not canonical equivalence")
        XCTAssertEqual(PythonText.repr("it's"), "\"it's\"")
        XCTAssertEqual(PythonText.repr("a'b\"c"), "'a\\'b\"c'")
        XCTAssertEqual(PythonText.repr("x\ny\u{1}\u{A0}\u{E9}\u{200B}\u{1F600}"), "'x\\ny\\x01\\xa0é\\u200b😀'")
    }
}
