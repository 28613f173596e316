/// Why a document is not JSON, and the byte offset where reading stopped. Callers say which file it was and turn
/// the offset into what their users read: a byte offset, a line (``TextLines``), or line:column.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        /// The input ended where a value was expected (`container` nil), or inside an array or object.
        case unexpectedEnd(in: Container?)
        /// A byte that cannot start a value here; `character` is the UTF-8 character there, when it is one.
        case unexpectedCharacter(Character?)
        /// `tru`, `nul`, …: the literal that was expected.
        case invalidLiteral(expected: String)
        case expectedKey
        case expectedColon
        case expectedCommaOrClose(Container)
        case leadingZero
        /// Digits missing after a minus sign, a decimal point or an exponent marker.
        case missingDigits(after: NumberPart)
        case unterminatedString
        case controlCharacterInString
        case invalidUTF8InString
        case invalidEscape(Character?)
        case truncatedUnicodeEscape
        case invalidHexDigit
        case unpairedSurrogate
        case tooDeep(limit: Int)
        case trailingData
    }

    public enum Container: Sendable, Equatable {
        case array, object
    }

    public enum NumberPart: Sendable, Equatable {
        case sign, point, exponent
    }

    /// Where reading stopped: the offending byte, or the input's length when it ended too soon.
    public var offset: Int
    public var problem: Problem

    public init(_ problem: Problem, at offset: Int) {
        self.problem = problem
        self.offset = offset
    }

    /// The problem in words, without the place.
    public var message: String {
        switch problem {
        case .unexpectedEnd(nil): "unexpected end of input"
        case .unexpectedEnd(.array?): "unexpected end of input in an array"
        case .unexpectedEnd(.object?): "unexpected end of input in an object"
        case .unexpectedCharacter(let character?): "unexpected character '\(character)'"
        case .unexpectedCharacter(nil): "unexpected byte (not UTF-8)"
        case .invalidLiteral(let expected): "invalid literal, expected '\(expected)'"
        case .expectedKey: "expected a string key"
        case .expectedColon: "expected ':'"
        case .expectedCommaOrClose(.array): "expected ',' or ']'"
        case .expectedCommaOrClose(.object): "expected ',' or '}'"
        case .leadingZero: "leading zero in number"
        case .missingDigits(.sign): "invalid number: digits expected after '-'"
        case .missingDigits(.point): "invalid number: digits expected after '.'"
        case .missingDigits(.exponent): "invalid number: exponent digits expected"
        case .unterminatedString: "unterminated string"
        case .controlCharacterInString: "control character in a string"
        case .invalidUTF8InString: "invalid UTF-8 in a string"
        case .invalidEscape(let character?): "invalid escape '\\\(character)'"
        case .invalidEscape(nil): "invalid escape"
        case .truncatedUnicodeEscape: "truncated \\u escape"
        case .invalidHexDigit: "invalid hex digit in \\u escape"
        case .unpairedSurrogate: "unpaired surrogate in \\u escape"
        case .tooDeep(let limit): "nested deeper than \(limit) levels, the nesting limit"
        case .trailingData: "unexpected data after the top-level value"
        }
    }

    public var description: String { "byte \(offset): \(message)" }
}
