import TextFormats
import XCTest

final class JSONReaderTests: XCTestCase {
    func parse(_ text: String, _ options: JSONReadingOptions = .strict) throws -> JSONValue {
        try JSONValue(parsing: text, options: options)
    }

    func problem(_ text: String, _ options: JSONReadingOptions = .strict) -> JSONSyntaxError? {
        do {
            _ = try JSONValue(parsing: Array(text.utf8), options: options)
            return nil
        } catch {
            return error
        }
    }

    func testValuesKeepOrderDuplicatesAndTheirOffsets() throws {
        let value = try parse(#" {"b": [1, -2.50e3, true], "a": null, "b": "x"} "#)
        let members = try XCTUnwrap(value.members)
        XCTAssertEqual(members.map(\.key), ["b", "a", "b"])
        XCTAssertEqual(value.offset, 1)
        XCTAssertEqual(members.map(\.value.offset), [7, 32, 43])
        let numbers = try XCTUnwrap(members[0].value.array)
        XCTAssertEqual(numbers.map(\.offset), [8, 11, 20])
        XCTAssertEqual(numbers[1].number?.text, "-2.50e3")
        XCTAssertEqual(numbers[1].number?.double, -2500)
        XCTAssertEqual(numbers[2].bool, true)
        XCTAssertTrue(members[1].value.isNull)
        // The first of duplicate keys, as tokenizers and the data readers always took it.
        XCTAssertEqual(value["b"]?.array?.count, 3)
        XCTAssertNil(value["c"])
        XCTAssertEqual(value["a"]?.kindDescription, "null")
    }

    func testNumbersTellIntegersFromFloatsAndKeepTheirText() throws {
        let cases: [(String, isInteger: Bool, integer: Int?, double: Double)] = [
            ("0", true, 0, 0), ("-0", true, 0, -0.0), ("42", true, 42, 42), ("1.0", false, nil, 1),
            ("1e2", false, nil, 100), ("-7E-1", false, nil, -0.7),
            ("123456789012345678", true, 123456789012345678, 1.2345678901234568e17),
            ("99999999999999999999", true, nil, 1e20), ("1e400", false, nil, .infinity),
        ]
        for (text, isInteger, integer, double) in cases {
            let number = try XCTUnwrap(try parse(text).number, text)
            XCTAssertEqual(number.text, text)
            XCTAssertEqual(number.isInteger, isInteger, text)
            XCTAssertEqual(number.integer, integer, text)
            XCTAssertEqual(number.double, double, text)
            XCTAssertEqual(number.double.sign, double.sign, text)
        }
    }

    func testStringsUnescapeExactly() throws {
        XCTAssertEqual(try parse(#""a\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00z""#).string, "a\"\\/\u{8}\u{C}\n\r\té😀z")
        XCTAssertEqual(try parse("\"h\u{E9}llo \u{1F600}\"").string, "héllo 😀")
        // Canonically equivalent spellings stay apart: the bytes are the document's.
        let decomposed = try XCTUnwrap(try parse("\"e\u{301}\"").string)
        XCTAssertEqual(Array(decomposed.utf8), [0x65, 0xCC, 0x81])
        XCTAssertNil(try parse(#"{"é": 1}"#)["e\u{301}"])
    }

    func testSyntaxErrorsNameTheOffsetAndTheProblem() {
        let cases: [(String, Int, String)] = [
            ("", 0, "unexpected end of input"),
            ("[1,", 3, "unexpected end of input"),
            (#"{"a": 0"#, 7, "unexpected end of input in an object"),
            ("[1 2]", 3, "expected ',' or ']'"),
            (#"{"a" 1}"#, 5, "expected ':'"),
            ("{1: 2}", 1, "expected a string key"),
            (#"{"a": 1 "b"}"#, 8, "expected ',' or '}'"),
            ("[tru]", 1, "invalid literal, expected 'true'"),
            ("[x]", 1, "unexpected character 'x'"),
            ("[é]", 1, "unexpected character 'é'"),
            ("01", 0, "leading zero in number"),
            ("-", 1, "invalid number: digits expected after '-'"),
            ("1.", 2, "invalid number: digits expected after '.'"),
            ("1e+", 3, "invalid number: exponent digits expected"),
            (#""abc"#, 4, "unterminated string"),
            ("\"a\nb\"", 2, "control character in a string"),
            (#""\x""#, 1, #"invalid escape '\x'"#),
            (#""\u12""#, 3, #"truncated \u escape"#),
            (#""\u12g4""#, 5, #"invalid hex digit in \u escape"#),
            (#""\ud800""#, 1, #"unpaired surrogate in \u escape"#),
            (#""\udc00""#, 1, #"unpaired surrogate in \u escape"#),
            ("{} x", 3, "unexpected data after the top-level value"),
            ("NaN", 0, "unexpected character 'N'"),
            ("\u{FEFF}{}", 0, "unexpected character '\u{FEFF}'"),
        ]
        for (text, offset, message) in cases {
            let error = problem(text)
            XCTAssertEqual(error?.offset, offset, text)
            XCTAssertEqual(error?.message, message, text)
        }
        XCTAssertEqual(problem("[1,")?.description, "byte 3: unexpected end of input")
    }

    func testInvalidUTF8IsRefusedAtTheByte() {
        // A truncated sequence, a byte that never starts one, an overlong form, a surrogate, beyond U+10FFFF.
        let cases: [([UInt8], Int)] = [
            ([0x22, 0xC3, 0x22], 1), ([0x20, 0x22, 0x5C, 0x6E, 0xFF, 0x22], 4), ([0x22, 0x61, 0xC0, 0xAF, 0x22], 2),
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1), ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1), ([0x22, 0xE2, 0x82], 1),
        ]
        for (bytes, offset) in cases {
            XCTAssertThrowsError(try JSONValue(parsing: bytes)) { error in
                XCTAssertEqual(error as? JSONSyntaxError, JSONSyntaxError(.invalidUTF8InString, at: offset), "\(bytes)")
            }
        }
        let valid: [UInt8] = [0x22, 0xC2, 0x80, 0xE0, 0xA0, 0x80, 0xED, 0x9F, 0xBF, 0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]
        XCTAssertEqual(try JSONValue(parsing: valid).string.map { Array($0.utf8) }, Array(valid.dropFirst().dropLast()))
        XCTAssertThrowsError(try JSONValue(parsing: [0x5B, 0xFF, 0x5D] as [UInt8])) { error in
            XCTAssertEqual((error as? JSONSyntaxError)?.message, "unexpected byte (not UTF-8)")
        }
    }

    func testNestingIsLimitedWhereTheLimitIsPassed() throws {
        let limit = JSONReadingOptions(maximumDepth: 4)
        XCTAssertNoThrow(try parse("[[[{\"a\": 1}]]]", limit))
        let error = problem("[[[[[1]]]]]", limit)
        XCTAssertEqual(error, JSONSyntaxError(.tooDeep(limit: 4), at: 4))
        XCTAssertEqual(error?.message, "nested deeper than 4 levels, the nesting limit")
        // The default limit holds against a document built to exhaust the stack.
        XCTAssertEqual(problem(String(repeating: "[", count: 100_000))?.problem, .tooDeep(limit: 512))
    }

    func testPythonOptionsReadWhatJsonLoadsReads() throws {
        let value = try parse(#"[NaN, Infinity, -Infinity, "\ud800x", "\ud800\u0041"]"#, .python)
        let elements = try XCTUnwrap(value.array)
        XCTAssertEqual(elements[0].number?.text, "NaN")
        XCTAssertTrue(elements[0].number?.double.isNaN ?? false)
        XCTAssertEqual(elements[1].number?.double, .infinity)
        XCTAssertEqual(elements[2].number?.double, -.infinity)
        XCTAssertFalse(elements[2].number?.isInteger ?? true)
        XCTAssertEqual(elements[3].string, "\u{FFFD}x")
        XCTAssertEqual(elements[4].string, "\u{FFFD}A")
        XCTAssertEqual(problem("-Inf", .python)?.message, "invalid literal, expected 'Infinity'")
    }

    func testAByteOrderMarkIsSkippedOnlyWhenAsked() throws {
        let bom = JSONReadingOptions(skipsByteOrderMark: true)
        XCTAssertEqual(try parse("\u{FEFF}{\"a\": 1}", bom)["a"]?.offset, 9)
        XCTAssertNotNil(problem("\u{FEFF}{}"))
    }

    func testWhateverTheBytesAreItThrowsOrReads() {
        // Every prefix of a document with every construct: an error or a value, never a crash.
        let text = #"{"a": [1, -2.5e-3, true, false, null, "\u00e9\ud83d\ude00\n", {"b": {}}, []], "c": "d"}"#
        let bytes = Array(text.utf8)
        for cut in 0..<bytes.count {
            XCTAssertThrowsError(try JSONValue(parsing: bytes[..<cut])) { error in
                XCTAssertLessThanOrEqual((error as? JSONSyntaxError)?.offset ?? .max, cut)
            }
        }
        XCTAssertNoThrow(try JSONValue(parsing: bytes))
    }

    func testSlicesAndStringsReadTheSameAsArrays() throws {
        let bytes = Array(#"xx{"k": [1, 2]}yy"#.utf8)
        let fromSlice = try JSONValue(parsing: bytes[2..<(bytes.count - 2)])
        XCTAssertEqual(fromSlice, try parse(#"{"k": [1, 2]}"#))
        XCTAssertEqual(fromSlice.offset, 0, "offsets count from the start of what was given")
    }
}
