/// Python's notions of text, which jinja2 and the study's scripts inherit: whitespace is `str.isspace()` (and
/// regex `\s`), string length and indices count code points, and strings compare by code point (Swift compares
/// grapheme clusters up to canonical equivalence).
public enum PythonText {
    /// `str.isspace()` for one code point (also what `\s` matches in Python's `re` for str patterns).
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default:
            false
        }
    }

    public static func isSpace(_ text: Substring.UnicodeScalarView) -> Bool {
        !text.isEmpty && text.allSatisfy(isSpace)
    }

    /// `str.strip(chars)` / `lstrip` / `rstrip`; `chars == nil` strips whitespace.
    public static func strip(_ text: String, chars: String? = nil, leading: Bool = true, trailing: Bool = true) -> String {
        let scalars = Array(text.unicodeScalars)
        let set: Set<Unicode.Scalar>? = chars.map { Set($0.unicodeScalars) }
        func strippable(_ scalar: Unicode.Scalar) -> Bool { set.map { $0.contains(scalar) } ?? isSpace(scalar) }
        var start = 0, end = scalars.count
        if leading { while start < end, strippable(scalars[start]) { start += 1 } }
        if trailing { while end > start, strippable(scalars[end - 1]) { end -= 1 } }
        if start == 0, end == scalars.count { return text }
        return string(scalars[start..<end])
    }

    public static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    /// Code-point equality (Swift's `==` on String would also equate canonically equivalent spellings).
    public static func equal(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// Code-point order; UTF-8 byte order is the same order.
    public static func less(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    public static func length(_ text: String) -> Int { text.unicodeScalars.count }

    /// `needle in haystack`, code point by code point.
    public static func contains(_ haystack: String, _ needle: String) -> Bool {
        let hay = Array(haystack.unicodeScalars)
        let pin = Array(needle.unicodeScalars)
        if pin.isEmpty { return true }
        guard hay.count >= pin.count else { return false }
        for start in 0...(hay.count - pin.count) where hay[start] == pin[0] {
            if hay[start..<start + pin.count].elementsEqual(pin) { return true }
        }
        return false
    }

    /// `str.lower()` / `str.upper()`: full case mapping per code point.
    public static func lower(_ text: String) -> String { text.lowercased() }
    public static func upper(_ text: String) -> String { text.uppercased() }

    /// Python's "cased" characters: those with a case mapping or a Lt/Lu/Ll category.
    public static func isCased(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        return properties.isCased
    }

    /// `str.title()`: a cased character after an uncased one starts a word.
    public static func title(_ text: String) -> String {
        var result = ""
        var previousCased = false
        for scalar in text.unicodeScalars {
            if previousCased {
                result += scalar.properties.lowercaseMapping
            } else {
                result += scalar.properties.titlecaseMapping
            }
            previousCased = isCased(scalar)
        }
        return result
    }

    /// `str.capitalize()`: the first character titlecased, the rest lowercased.
    public static func capitalize(_ text: String) -> String {
        var result = ""
        for (index, scalar) in text.unicodeScalars.enumerated() {
            result += index == 0 ? scalar.properties.titlecaseMapping : scalar.properties.lowercaseMapping
        }
        return result
    }

    /// `str.swapcase()`.
    public static func swapCase(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isUppercase { result += properties.lowercaseMapping }
            else if properties.isLowercase { result += properties.uppercaseMapping }
            else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    /// `str.islower()` / `str.isupper()`: at least one cased character, and none of the other case.
    public static func isLower(_ text: String) -> Bool {
        var sawCased = false
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isUppercase || properties.generalCategory == .titlecaseLetter { return false }
            if properties.isLowercase { sawCased = true }
        }
        return sawCased
    }

    public static func isUpper(_ text: String) -> Bool {
        var sawCased = false
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isLowercase || properties.generalCategory == .titlecaseLetter { return false }
            if properties.isUppercase { sawCased = true }
        }
        return sawCased
    }

    /// Python's `str.isprintable()` for one code point: everything except categories Cc, Cf, Cs, Co, Cn, Zl, Zp
    /// and Zs other than the ASCII space.
    public static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
             .spaceSeparator:
            return false
        default:
            return true
        }
    }

    /// `\w` in Python's `re` for str patterns: alphanumerics (str.isalnum) and the underscore.
    public static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || isAlphanumeric(scalar)
    }

    public static func isAlpha(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    public static func isDecimal(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.generalCategory == .decimalNumber }

    /// `str.isdigit()`: decimal digits plus the other digit characters (superscripts, circled digits).
    public static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        guard let type = scalar.properties.numericType else { return false }
        return type == .decimal || type == .digit
    }

    public static func isNumeric(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.numericType != nil }

    public static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isAlpha(scalar) || isDecimal(scalar) || isDigit(scalar) || isNumeric(scalar)
    }

    /// `repr(str)`: quotes chosen as Python chooses them, escapes for what is not printable.
    public static func repr(_ text: String) -> String {
        let hasSingle = text.unicodeScalars.contains("'")
        let hasDouble = text.unicodeScalars.contains("\"")
        let quote: Unicode.Scalar = hasSingle && !hasDouble ? "\"" : "'"
        var out = String.UnicodeScalarView()
        out.append(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case quote, "\\":
                out.append("\\"); out.append(scalar)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out.append(contentsOf: ("\\x" + hex(scalar.value, width: 2)).unicodeScalars)
                } else if scalar.value < 0x7F || isPrintable(scalar) {
                    out.append(scalar)
                } else if scalar.value <= 0xFF {
                    out.append(contentsOf: ("\\x" + hex(scalar.value, width: 2)).unicodeScalars)
                } else if scalar.value <= 0xFFFF {
                    out.append(contentsOf: ("\\u" + hex(scalar.value, width: 4)).unicodeScalars)
                } else {
                    out.append(contentsOf: ("\\U" + hex(scalar.value, width: 8)).unicodeScalars)
                }
            }
        }
        out.append(quote)
        return String(out)
    }

    public static func hex(_ value: UInt32, width: Int, uppercase: Bool = false) -> String {
        let digits = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
