import TextFormats
import XCTest

/// Expected texts are Python 3.11's `json.dumps` output for the same values.
final class JSONWriterTests: XCTestCase {
    static let document = #"{"a": [1, 2.5, {"b": null, "c": true}], "d": "x\"\\\n\b\f\u0001\u007f\u00e9\ud83d\ude00", "e": [], "f": {}}"#

    func write(_ text: String, _ style: JSONStyle) throws -> String {
        var writer = JSONWriter(style: style)
        writer.value(try JSONValue(parsing: text))
        return writer.text
    }

    func testOneLineAsJsonDumpsWithAndWithoutEnsureASCII() throws {
        XCTAssertEqual(try write(Self.document, .python),
                       "{\"a\": [1, 2.5, {\"b\": null, \"c\": true}], \"d\": \"x\\\"\\\\\\n\\b\\f\\u0001\u{7F}é😀\", \"e\": [], \"f\": {}}")
        XCTAssertEqual(try write(Self.document, JSONStyle(asciiOnly: true)),
                       #"{"a": [1, 2.5, {"b": null, "c": true}], "d": "x\"\\\n\b\f\u0001\u007f\u00e9\ud83d\ude00", "e": [], "f": {}}"#)
        XCTAssertEqual(try write(Self.document, .compact).prefix(31), #"{"a":[1,2.5,{"b":null,"c":true}"#)
    }

    func testIndentedAsJsonDumps() throws {
        let expected = """
        {
          "a": [
            1,
            2.5,
            {
              "b": null,
              "c": true
            }
          ],
          "e": [],
          "f": {}
        }
        """
        XCTAssertEqual(try write(#"{"a": [1, 2.5, {"b": null, "c": true}], "e": [], "f": {}}"#, JSONStyle(indent: "  ")), expected)
    }

    func testFloatsAsPythonWritesThem() {
        var writer = JSONWriter()
        writer.beginArray()
        for number in [Double.nan, .infinity, -.infinity, 1e16, 1e-7, 3.0] { writer.number(number) }
        writer.integer(-4)
        writer.endArray()
        XCTAssertEqual(writer.text, "[NaN, Infinity, -Infinity, 1e+16, 1e-07, 3.0, -4]")
    }

    func testWhatIsReadWritesBackTheSame() throws {
        let compact = try write(Self.document, .compact)
        XCTAssertEqual(try JSONValue(parsing: compact), try JSONValue(parsing: Self.document))
        XCTAssertEqual(try JSONValue(parsing: compact).description, compact)
    }
}
