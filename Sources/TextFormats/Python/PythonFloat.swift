/// Python's text forms of a float: what the study's files were written with, what chat templates print, and
/// what `json.dumps` writes.
public enum PythonFloat {
    /// `repr(float)`: the shortest digits that round-trip, positional for decimal exponents from -4 to 15 and
    /// scientific (`1e-05`, `1.5e+16`) outside; `nan`, `inf`, `-inf`.
    public static func repr(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        // Swift's description already gives the shortest round-trip digits; only its choice of notation differs
        // from Python's (Swift switches to scientific at 2^53, Python at 1e16).
        let (negative, digits, exponent) = decompose(number)
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
        var mantissa = String(digits.prefix(1))
        if digits.count > 1 { mantissa += "." + digits.dropFirst() }
        let exponentDigits = String(abs(exponent))
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (exponentDigits.count < 2 ? "0" : "") + exponentDigits
    }

    /// The sign, the significant digits (no leading or trailing zeros; "0" for zero) and the decimal exponent of
    /// the first digit, from Swift's shortest round-trip description.
    static func decompose(_ number: Double) -> (negative: Bool, digits: String, exponent: Int) {
        let negative = number.sign == .minus
        var text = Substring(abs(number).description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        var integerPart = text, fraction = Substring("")
        if let dot = text.firstIndex(of: ".") {
            integerPart = text[..<dot]
            fraction = text[text.index(after: dot)...]
        }
        var digits = String(integerPart) + fraction
        var pointPosition = integerPart.count + exponent
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        if digits == "0" { return (negative, "0", 0) }
        return (negative, digits, pointPosition - 1)
    }

    /// `float(text)`: surrounding whitespace, a sign, decimal digits with underscores only between digits, an
    /// optional point and exponent, or `inf`/`infinity`/`nan` in any case; nil for anything else — notably hex
    /// and `1_.5`, which Swift's own parser or a looser check would take.
    public static func parse(_ text: String) -> Double? {
        let body = Array(PythonText.strip(text).utf8)
        var position = 0
        var negative = false
        if position < body.count, body[position] == UInt8(ascii: "+") || body[position] == UInt8(ascii: "-") {
            negative = body[position] == UInt8(ascii: "-")
            position += 1
        }
        switch String(decoding: body[position...], as: UTF8.self).lowercased() {
        case "inf", "infinity": return negative ? -.infinity : .infinity
        case "nan": return .nan
        default: break
        }
        func isDigit(_ index: Int) -> Bool { index < body.count && body[index] &- UInt8(ascii: "0") < 10 }
        /// digit (["_"] digit)*
        func digitPart() -> Bool {
            guard isDigit(position) else { return false }
            position += 1
            while true {
                if isDigit(position) { position += 1 }
                else if position < body.count, body[position] == UInt8(ascii: "_"), isDigit(position + 1) { position += 2 }
                else { return true }
            }
        }
        let integerDigits = digitPart()
        var fractionDigits = false
        if position < body.count, body[position] == UInt8(ascii: ".") {
            position += 1
            fractionDigits = digitPart()
        }
        guard integerDigits || fractionDigits else { return nil }
        if position < body.count, body[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < body.count, body[position] == UInt8(ascii: "+") || body[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digitPart() else { return nil }
        }
        guard position == body.count else { return nil }
        return Double(String(decoding: body.lazy.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self))
    }
}
