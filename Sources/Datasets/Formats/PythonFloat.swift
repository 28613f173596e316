/// Python's text forms of a float, which the study's files were written with.
public enum PythonFloat {
    /// Python's `float(text)`: optional surrounding whitespace, sign, decimal digits with an optional point and
    /// exponent, `inf`/`infinity`/`nan` in any case; `nil` for anything else (notably hex, which Swift accepts
    /// and Python does not).
    public static func parse(_ text: String) -> Double? {
        // Fast path: plain decimal text, where Swift's and Python's grammars agree.
        if !text.isEmpty, text.utf8.allSatisfy({ plainNumberBytes.contains($0) }) { return Double(text) }
        let trimmed = text.trimmingPythonWhitespace()
        let body = trimmed.hasPrefix("-") || trimmed.hasPrefix("+") ? trimmed.dropFirst() : Substring(trimmed)
        let lowered = body.lowercased()
        if lowered == "inf" || lowered == "infinity" { return trimmed.hasPrefix("-") ? -.infinity : .infinity }
        if lowered == "nan" { return .nan }
        var sawDigit = false
        var sawPoint = false
        var sawExponent = false
        var previous: Character = " "
        for character in body {
            switch character {
            case "0"..."9":
                sawDigit = true
            case "_":
                guard previous.isASCIIDigit else { return nil }
            case ".":
                guard !sawPoint, !sawExponent else { return nil }
                sawPoint = true
            case "e", "E":
                guard sawDigit, !sawExponent else { return nil }
                sawExponent = true
            case "+", "-":
                guard previous == "e" || previous == "E" else { return nil }
            default:
                return nil
            }
            previous = character
        }
        guard sawDigit, previous != "_", previous != "e", previous != "E", previous != "+", previous != "-" else {
            return nil
        }
        return Double(String(trimmed.filter { $0 != "_" }))
    }

    private static let plainNumberBytes = Set("0123456789.-+eE".utf8)

    /// Python's `repr(float)`: the shortest text that round-trips, in fixed notation when the decimal exponent
    /// is in −4 ..< 16 and scientific (`1e-05`, `1.5e+16`) otherwise.
    public static func repr(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        // Swift's description already gives the shortest round-trip digits; only its choice of notation
        // differs from Python's (Swift switches to scientific at 2^53, Python at 1e16).
        let (negative, digits, exponent) = decompose(value.description)
        let sign = negative ? "-" : ""
        if exponent >= -4 && exponent < 16 {
            if exponent < 0 {
                return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
            }
            let integerCount = exponent + 1
            if digits.count <= integerCount {
                return sign + digits + String(repeating: "0", count: integerCount - digits.count) + ".0"
            }
            let split = digits.index(digits.startIndex, offsetBy: integerCount)
            return sign + digits[..<split] + "." + digits[split...]
        }
        let mantissa = digits.count == 1 ? digits : String(digits.prefix(1)) + "." + digits.dropFirst()
        let exponentText = String(abs(exponent))
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+")
            + (exponentText.count < 2 ? "0" : "") + exponentText
    }

    /// Splits Swift's float text into sign, significant digits (no leading/trailing zeros) and the decimal
    /// exponent of the first digit.
    private static func decompose(_ text: String) -> (Bool, String, Int) {
        var body = Substring(text)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        var exponent = 0
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(body[body.index(after: e)...]) ?? 0
            body = body[..<e]
        }
        let integerPart = body.split(separator: ".", omittingEmptySubsequences: false).first ?? ""
        let fractionPart = body.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first ?? ""
        var digits = String(integerPart) + String(fractionPart)
        var pointExponent = integerPart.count - 1 + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            pointExponent -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        if digits == "0" { return (negative, "0", 0) }
        return (negative, digits, pointExponent)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    /// Trims the whitespace Python's `str.strip()` removes (Unicode whitespace).
    func trimmingPythonWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isPythonWhitespace }),
              let last = scalars.lastIndex(where: { !$0.isPythonWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}

extension Unicode.Scalar {
    /// Python's `str.isspace()`: bidirectional class WS, B or S, or general category Zs — plus the ASCII
    /// separators \x1c-\x1f that Python counts.
    public var isPythonWhitespace: Bool {
        switch value {
        case 0x09...0x0D, 0x1C...0x1F, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
             0x3000:
            return true
        default:
            return false
        }
    }
}
