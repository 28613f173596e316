import Foundation
import XCTest
@testable import Tokenizers

/// The splitters' `\p{L}`, `\p{N}` and `\s` must be Oniguruma's (the regex engine inside HF `tokenizers`) for
/// every Unicode scalar, not only for the characters the string fixtures happen to contain.
final class UnicodeClassTests: XCTestCase {
    struct Classes: Decodable {
        let peer: String
        let letter: [[UInt32]]
        let number: [[UInt32]]
        let whitespace: [[UInt32]]
    }

    func testEveryScalarIsClassifiedAsOniguruma() throws {
        let url = TestPaths.fixtures.appendingPathComponent("unicode-classes.json")
        let classes = try JSONDecoder().decode(Classes.self, from: Data(contentsOf: url))
        for (name, ranges, member) in [("\\p{L}", classes.letter, CharacterClass.letter),
                                       ("\\p{N}", classes.number, .number),
                                       ("\\s", classes.whitespace, .whitespace)] {
            var expected = [Bool](repeating: false, count: 0x110000)
            for range in ranges where range.count == 2 && range[0] <= range[1] && range[1] < 0x110000 {
                for code in range[0]...range[1] { expected[Int(code)] = true }
            }
            var differing: [String] = []
            for code in UInt32(0)..<0x110000 where !(0xD800...0xDFFF).contains(code) {
                if CharacterClass.of(code).contains(member) != expected[Int(code)] {
                    differing.append(String(format: "U+%04X", code))
                }
            }
            XCTAssertTrue(differing.isEmpty, "\(name) differs from \(classes.peer) for \(differing.count) scalars: "
                          + differing.prefix(20).joined(separator: " "))
        }
    }
}
