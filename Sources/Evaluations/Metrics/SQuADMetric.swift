import Datasets
import TextFormats

/// SQuAD v1.1's exact match and token F1, with the official script's normalisation reproduced on Python's
/// terms: `str.lower()`, removal of `string.punctuation` (ASCII only), `re.sub(r'\b(a|an|the)\b', ' ', …)` with
/// Python's Unicode word characters, and `' '.join(text.split())`. Tokens compare by code point, as Python's
/// strings do (Swift's `==` would also equate canonically equivalent spellings).
public enum SQuADMetric {
    /// The normalised answer, as a list of tokens (each a list of code points).
    public static func tokens(_ text: String) -> [[Unicode.Scalar]] {
        var scalars = Array(text.lowercased().unicodeScalars)
        scalars.removeAll { $0.isASCII && asciiPunctuation.contains(UInt8($0.value)) }
        scalars = removingArticles(scalars)
        var tokens: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in scalars {
            if PythonText.isSpace(scalar) {
                if !current.isEmpty { tokens.append(current); current = [] }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// `normalize_answer(text)`.
    public static func normalize(_ text: String) -> String {
        tokens(text).map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
    }

    public static func exactMatch(_ prediction: String, _ truth: String) -> Bool {
        tokens(prediction) == tokens(truth)
    }

    public static func f1(_ prediction: String, _ truth: String) -> Double {
        let predicted = tokens(prediction)
        let gold = tokens(truth)
        var counts: [[Unicode.Scalar]: Int] = [:]
        for token in gold { counts[token, default: 0] += 1 }
        var same = 0
        for token in predicted {
            if let count = counts[token], count > 0 {
                same += 1
                counts[token] = count - 1
            }
        }
        guard same > 0 else { return 0 }
        let precision = Double(same) / Double(predicted.count)
        let recall = Double(same) / Double(gold.count)
        return 2 * precision * recall / (precision + recall)
    }

    /// The best score over the gold answers (`metric_max_over_ground_truths`).
    public static func best(_ prediction: String, answers: [String]) -> (exactMatch: Bool, f1: Double) {
        (answers.contains { exactMatch(prediction, $0) }, answers.map { f1(prediction, $0) }.max() ?? 0)
    }

    /// The study's answer extraction: the generation up to its first blank line, stripped.
    public static func extractAnswer(_ generation: String) -> String {
        let scalars = Array(generation.unicodeScalars)
        var end = scalars.count
        if scalars.count >= 2 {
            for index in 0..<(scalars.count - 1) where scalars[index] == "\n" && scalars[index + 1] == "\n" {
                end = index
                break
            }
        }
        return PythonText.strip(String(String.UnicodeScalarView(scalars[..<end])))
    }

    /// `string.punctuation`.
    static let asciiPunctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".utf8)

    /// Replaces each maximal run of word characters that is exactly `a`, `an` or `the` by a space — what the
    /// regex does, since `\b` on both sides means the match is a whole run.
    static func removingArticles(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            guard PythonText.isWordCharacter(scalars[index]) else {
                out.append(scalars[index])
                index += 1
                continue
            }
            var end = index
            while end < scalars.count, PythonText.isWordCharacter(scalars[end]) { end += 1 }
            let run = scalars[index..<end]
            if articles.contains(where: { $0.elementsEqual(run) }) {
                out.append(" ")
            } else {
                out.append(contentsOf: run)
            }
            index = end
        }
        return out
    }

    static let articles: [[Unicode.Scalar]] = ["a", "an", "the"].map { Array($0.unicodeScalars) }
}
