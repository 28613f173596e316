/// The backslash escapes of a Python string literal, decoded as Python's tokenizer does. jinja2 string literals
/// and the `repr`s in the study's data files (GOQA's `options` and `selections`) both use them.
public enum PythonStringEscape {
    public enum Decoded: Equatable, Sendable {
        /// The escape stands for this code point.
        case scalar(Unicode.Scalar)
        /// A backslash before a line break: the two vanish.
        case lineContinuation
        /// Not an escape Python knows here (`\q`, and `\N{…}`, which needs the Unicode name table): the caller
        /// decides (Python keeps it verbatim, backslash included).
        case unknown(Unicode.Scalar)
    }

    public enum Problem: Error, Equatable, Sendable {
        /// `\x`, `\u` or `\U` with fewer hex digits than it needs; `spelling` is e.g. `xXX`.
        case truncated(spelling: String)
        /// The digits name no Unicode scalar (a surrogate, or beyond U+10FFFF).
        case notAScalar(UInt32)
    }

    /// Decodes the escape whose letter is `scalars[index]` (the scalar after the backslash) and moves `index`
    /// past it.
    public static func decode(_ scalars: [Unicode.Scalar], at index: inout Int) -> Result<Decoded, Problem> {
        let letter = scalars[index]
        index += 1
        switch letter {
        case "\n": return .success(.lineContinuation)
        case "\\", "'", "\"": return .success(.scalar(letter))
        case "a": return .success(.scalar("\u{07}"))
        case "b": return .success(.scalar("\u{08}"))
        case "f": return .success(.scalar("\u{0C}"))
        case "n": return .success(.scalar("\n"))
        case "r": return .success(.scalar("\r"))
        case "t": return .success(.scalar("\t"))
        case "v": return .success(.scalar("\u{0B}"))
        case "0"..."7":
            // Up to three octal digits, the first being the letter itself.
            var value = letter.value - 0x30
            var digits = 1
            while digits < 3, index < scalars.count, ("0"..."7").contains(scalars[index]) {
                value = value * 8 + scalars[index].value - 0x30
                index += 1
                digits += 1
            }
            return scalar(value)
        case "x": return hex(scalars, at: &index, digits: 2, spelling: "xXX")
        case "u": return hex(scalars, at: &index, digits: 4, spelling: "uXXXX")
        case "U": return hex(scalars, at: &index, digits: 8, spelling: "UXXXXXXXX")
        default: return .success(.unknown(letter))
        }
    }

    private static func hex(_ scalars: [Unicode.Scalar], at index: inout Int, digits: Int,
                            spelling: String) -> Result<Decoded, Problem> {
        guard index + digits <= scalars.count else { return .failure(.truncated(spelling: spelling)) }
        var value: UInt32 = 0
        for digit in scalars[index..<(index + digits)] {
            guard digit.isASCII, let nibble = UInt32(String(digit), radix: 16) else {
                return .failure(.truncated(spelling: spelling))
            }
            value = value * 16 + nibble
        }
        index += digits
        return scalar(value)
    }

    private static func scalar(_ value: UInt32) -> Result<Decoded, Problem> {
        guard let scalar = Unicode.Scalar(value) else { return .failure(.notAScalar(value)) }
        return .success(.scalar(scalar))
    }
}
