import Foundation
import Evaluations

/// How a cell reads in each output: the terminal shows a cell's chosen digits, exports keep full precision.
extension Cell {
    /// The text a terminal table or a Markdown table shows.
    public var displayText: String {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .number(let value, let digits): Self.display(value, digits: digits)
        case .missing: "—"
        }
    }

    /// The text exports write: the shortest decimal that reads back as the same `Double`; NaN as `NaN`,
    /// missing as the empty string (CSV) — JSON writes `null` for both.
    public var exportText: String {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .number(let value, _): value.isNaN ? "NaN" : String(value)
        case .missing: ""
        }
    }

    /// A number that the chosen digits would show as zero (a p-value of 1.78e-9) is shown in scientific notation.
    static func display(_ value: Double, digits: Int) -> String {
        if value != 0, value.isFinite, digits > 0, abs(value) < 0.5 * pow(10, -Double(digits)) {
            return String(format: "%.2e", value)
        }
        return formatFixed(value, digits: digits)
    }

    /// Numbers and integers line up on the right in tables.
    public var isNumeric: Bool {
        switch self {
        case .integer, .number: true
        case .text, .missing: false
        }
    }
}

/// Fixed-point formatting, correctly rounded from the binary value (as C's `printf` and Python's `%.4f` do:
/// 0.58725 is stored just below the tie and prints 0.5872), so printed digits match the paper's tools.
public func formatFixed(_ value: Double, digits: Int) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    let text = String(format: "%.*f", max(0, min(digits, 17)), value)
    // printf keeps the sign of a value that rounds to zero ("-0.000"); a table should not.
    if text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
    return text
}

/// Columns a terminal needs for `text`: East Asian wide characters take two, combining marks none.
public func displayWidth(_ text: String) -> Int {
    var width = 0
    for scalar in text.unicodeScalars {
        let v = scalar.value
        switch v {
        case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F: continue
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1FAFF, 0x20000...0x3FFFD:
            width += 2
        default:
            width += 1
        }
    }
    return width
}

/// Pads `text` with spaces to `width` terminal columns.
func pad(_ text: String, to width: Int, right: Bool) -> String {
    let padding = String(repeating: " ", count: max(0, width - displayWidth(text)))
    return right ? padding + text : text + padding
}
