import Foundation
/// Maps numbers onto colours: a sequential scale (viridis) for magnitudes, a diverging one (blue–white–red) for
/// values on both sides of zero, such as differences to a reference country or correlations.
public struct ColorScale: Sendable {
    public enum Palette: Sendable { case sequential, diverging }

    public var low: Double
    public var high: Double
    public var palette: Palette

    /// A scale covering `values`; diverging and symmetric around zero when they have both signs. With
    /// `robust`, the 5% most extreme values on each side are clipped to the end colours, so a few outliers do
    /// not wash out every other country.
    public init(covering values: [Double], robust: Bool = false) {
        let finite = values.filter(\.isFinite).sorted()
        var low = finite.first ?? 0
        var high = finite.last ?? 1
        if robust && finite.count >= 20 {
            let cut = Int(Double(finite.count) * 0.05)
            low = finite[cut]
            high = finite[finite.count - 1 - cut]
        }
        if low < 0 && high > 0 {
            let bound = max(-low, high)
            self.init(low: -bound, high: bound, palette: .diverging)
        } else {
            self.init(low: low, high: high == low ? low + 1 : high, palette: .sequential)
        }
    }

    public init(low: Double, high: Double, palette: Palette) {
        self.low = low
        self.high = high
        self.palette = palette
    }

    /// `#rrggbb` for `value`, clamped to the scale.
    public func color(_ value: Double) -> String {
        guard value.isFinite else { return "#d9d9d9" }
        let t = max(0, min(1, (value - low) / (high - low)))
        let stops = palette == .sequential ? Self.viridis : Self.blueWhiteRed
        let position = t * Double(stops.count - 1)
        let index = min(stops.count - 2, Int(position))
        let f = position - Double(index)
        let (a, b) = (stops[index], stops[index + 1])
        func channel(_ x: Int, _ y: Int) -> Int { Int((Double(x) + (Double(y) - Double(x)) * f).rounded()) }
        return hex(channel(a.0, b.0), channel(a.1, b.1), channel(a.2, b.2))
    }

    /// Dark text on light cells, white on dark ones.
    public func textColor(_ value: Double) -> String {
        let fill = color(value)
        let digits = Array(fill.utf8.dropFirst()).map { Int($0) }
        func component(_ i: Int) -> Double {
            func nibble(_ c: Int) -> Int { c >= 97 ? c - 87 : c - 48 }
            return Double(nibble(digits[i]) * 16 + nibble(digits[i + 1]))
        }
        let luminance = 0.299 * component(0) + 0.587 * component(2) + 0.114 * component(4)
        return luminance > 140 ? "#111111" : "#ffffff"
    }

    private func hex(_ r: Int, _ g: Int, _ b: Int) -> String {
        let digits = Array("0123456789abcdef")
        return "#" + [r, g, b].map { String([digits[($0 >> 4) & 15], digits[$0 & 15]]) }.joined()
    }

    private static let viridis: [(Int, Int, Int)] = [
        (68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
        (31, 158, 137), (53, 183, 121), (109, 205, 89), (180, 222, 44), (253, 231, 37),
    ]
    private static let blueWhiteRed: [(Int, Int, Int)] = [
        (33, 102, 172), (103, 169, 207), (209, 229, 240), (247, 247, 247), (253, 219, 199), (239, 138, 98),
        (178, 24, 43),
    ]
}

/// Round tick values for an axis from `low` to `high`: steps of 1, 2 or 5 × 10ᵏ, as close to `count` ticks
/// as those allow.
func niceTicks(low: Double, high: Double, count: Int = 5) -> [Double] {
    guard high > low, low.isFinite, high.isFinite else { return [low] }
    let raw = (high - low) / Double(max(1, count))
    var magnitude = 1.0
    while magnitude * 10 <= raw { magnitude *= 10 }
    while magnitude > raw { magnitude /= 10 }
    let steps = [1.0, 2, 5, 10].map { $0 * magnitude }
    let step = steps.min { abs((high - low) / $0 - Double(count)) < abs((high - low) / $1 - Double(count)) }!
    let first = Int((low / step).rounded(.up)), last = Int((high / step).rounded(.down))
    guard first <= last else { return [low] }
    // Snap k·step to 12 significant digits so 6 × 0.1 reads 0.6.
    return (first...last).map { Double(String(format: "%.12g", Double($0) * step)) ?? Double($0) * step }
}

/// Decimals that tell ticks `step` apart.
func tickDigits(_ ticks: [Double]) -> Int {
    guard ticks.count > 1 else { return 2 }
    let step = abs(ticks[1] - ticks[0])
    var digits = 0
    var scaled = step
    while digits < 6 && abs(scaled - scaled.rounded()) > 1e-9 {
        scaled *= 10
        digits += 1
    }
    return digits
}
