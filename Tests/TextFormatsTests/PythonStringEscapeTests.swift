import TextFormats
import XCTest

/// Python's string-literal escapes, as `ast.literal_eval` decodes them.
final class PythonStringEscapeTests: XCTestCase {
    private func decode(_ afterBackslash: String) -> (Result<PythonStringEscape.Decoded, PythonStringEscape.Problem>, Int) {
        let scalars = Array(afterBackslash.unicodeScalars)
        var index = 0
        let result = PythonStringEscape.decode(scalars, at: &index)
        return (result, index)
    }

    func testEscapesAndHowMuchTheyConsume() {
        // ast.literal_eval(r"'\n'"), r"'\101'", r"'\x41'", r"'\u00e9'", r"'\U0001F600'", r"'\0'"
        let cases: [(String, Unicode.Scalar, Int)] = [
            ("n", "\n", 1), ("1017", "A", 3), ("x41z", "A", 3), ("u00e9", "é", 5), ("U0001F600", "😀", 9),
            ("0", "\0", 1), ("'", "'", 1), ("v", "\u{0B}", 1),
        ]
        for (text, expected, consumed) in cases {
            let (result, index) = decode(text)
            XCTAssertEqual(result, .success(.scalar(expected)), text)
            XCTAssertEqual(index, consumed, text)
        }
        XCTAssertEqual(decode("\n").0, .success(.lineContinuation))
        XCTAssertEqual(decode("q").0, .success(.unknown("q")))
        XCTAssertEqual(decode("N{DASH}").0, .success(.unknown("N")))
    }

    func testBadHexIsAnErrorNamingTheEscape() {
        XCTAssertEqual(decode("x4").0, .failure(.truncated(spelling: "xXX")))
        XCTAssertEqual(decode("u00g9").0, .failure(.truncated(spelling: "uXXXX")))
        XCTAssertEqual(decode("UDEADBEEF").0, .failure(.notAScalar(0xDEADBEEF)))
        XCTAssertEqual(decode("ud800").0, .failure(.notAScalar(0xD800)))
    }
}
