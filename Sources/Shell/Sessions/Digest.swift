import Evaluations

/// A short fingerprint of a result's full table, so a replay detects a change in any cell — even one the
/// terminal rounds away — without the session file holding every row.
public enum ResultDigest {
    /// `fnv1a64:` + 16 hex digits over the kind, the columns and every cell. Numbers enter with 10 significant
    /// digits: stable across machines that differ in the last bits of a sum, sensitive to any real change.
    public static func of(_ result: any AnalysisResult) -> String {
        let table = result.table()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
            hash ^= 0x1f
            hash &*= 0x0000_0100_0000_01b3
        }
        mix(result.kind.rawValue)
        table.columns.forEach(mix)
        for row in table.rows {
            for cell in row {
                switch cell {
                case .text(let text): mix("t" + text)
                case .integer(let value): mix("i\(value)")
                case .number(let value, _): mix("n" + canonical(value))
                case .missing: mix("m")
                }
            }
            mix("\n")
        }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// 10 significant digits in scientific form: `5.872081234e-1`.
    static func canonical(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return "0" }
        var exponent = 0
        var mantissa = abs(value)
        while mantissa >= 10 { mantissa /= 10; exponent += 1 }
        while mantissa < 1 { mantissa *= 10; exponent -= 1 }
        var digits = (mantissa * 1e9).rounded()
        if digits >= 1e10 { digits /= 10; exponent += 1 }
        return (value < 0 ? "-" : "") + String(Int64(digits)) + "e" + String(exponent)
    }
}
