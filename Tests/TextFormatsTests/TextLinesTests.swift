import TextFormats
import XCTest

final class TextLinesTests: XCTestCase {
    func testLinesAndColumnsOfOffsets() {
        let lines = TextLines(Array("ab\nçd\n\nx".utf8))
        XCTAssertEqual([0, 2, 3, 5, 6, 7, 8, 9, 99].map(lines.line(at:)), [1, 1, 2, 2, 2, 3, 4, 4, 4])
        XCTAssertEqual([0, 1, 3, 5, 6, 9].map(lines.column(at:)), [1, 2, 1, 2, 3, 2])
        XCTAssertEqual(TextLines(Array("{}".utf8), firstLine: 40).line(at: 1), 40)
        XCTAssertEqual(TextLines([]).line(at: 0), 1)
    }
}
