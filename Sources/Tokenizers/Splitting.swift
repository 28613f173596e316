import Foundation

/// What a `Split` pre-tokenizer matches.
enum SplitPattern: Sendable {
    case literal([UInt8])
    case gpt2
    case llama3(maxDigits: Int)
    case wordsAndPunctuation
    case regex(ICURegex)

    /// The regexes of well-known vocabularies, recognised by their source text and served by the
    /// hand-written splitters.
    static func known(_ source: String) -> SplitPattern? {
        switch source {
        case #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#,
             #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"#:
            return .gpt2
        case #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#:
            return .llama3(maxDigits: 3)
        case #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#:
            return .llama3(maxDigits: 1)
        case #"\w+|[^\w\s]+"#:
            return .wordsAndPunctuation
        default:
            return nil
        }
    }

    /// The byte ranges of the matches in `piece`, in order and without overlap.
    func matches(in piece: ArraySlice<UInt8>) -> [Range<Int>] {
        switch self {
        case .literal(let needle): return PatternSplitters.literal(needle, in: piece)
        case .gpt2: return PatternSplitters.gpt2(piece)
        case .llama3(let maxDigits): return PatternSplitters.llama3(piece, maxDigits: maxDigits)
        case .wordsAndPunctuation: return PatternSplitters.wordsAndPunctuation(piece)
        case .regex(let regex): return regex.matches(in: piece)
        }
    }
}

/// A regex outside the built-in set, run by ICU through `NSRegularExpression`. ICU's syntax covers what
/// tokenizer.json files use (`\p{…}`, look-ahead, possessive quantifiers); it is slower than the
/// hand-written splitters.
final class ICURegex: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to share between threads.
    private let expression: NSRegularExpression

    init(_ source: String) throws {
        expression = try NSRegularExpression(pattern: source, options: [])
    }

    func matches(in piece: ArraySlice<UInt8>) -> [Range<Int>] {
        let text = String(decoding: piece, as: UTF8.self)
        let utf16 = Array(text.utf16)
        // Map UTF-16 offsets back to byte offsets within `piece`.
        var byteOffset = [Int](repeating: 0, count: utf16.count + 1)
        var bytes = piece.startIndex
        var index = 0
        for scalar in text.unicodeScalars {
            let units = scalar.utf16.count
            for k in 0..<units { byteOffset[index + k] = bytes }
            index += units
            bytes += scalar.utf8.count
        }
        byteOffset[utf16.count] = bytes
        let range = NSRange(location: 0, length: utf16.count)
        return expression.matches(in: text, options: [], range: range).compactMap { match in
            guard match.range.location != NSNotFound, match.range.length > 0 else { return nil }
            return byteOffset[match.range.location]..<byteOffset[match.range.location + match.range.length]
        }
    }

    func replacing(in text: [UInt8], with content: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var last = text.startIndex
        for range in matches(in: text[...]) {
            out.append(contentsOf: text[last..<range.lowerBound])
            out.append(contentsOf: content)
            last = range.upperBound
        }
        out.append(contentsOf: text[last...])
        return out
    }
}

/// How a split treats the delimiters it finds (HF `SplitDelimiterBehavior`).
enum SplitBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"

    /// Splits `piece` around `matches` (sorted, disjoint byte ranges within it), dropping empty parts as HF
    /// `PreTokenizedString::split` does. With `invert`, the gaps are the delimiters.
    func apply(to piece: ArraySlice<UInt8>, matches: [Range<Int>], invert: Bool = false) -> [ArraySlice<UInt8>] {
        // (range, isMatch) covering the whole piece.
        var parts: [(range: Range<Int>, isMatch: Bool)] = []
        parts.reserveCapacity(matches.count * 2 + 1)
        var last = piece.startIndex
        for match in matches {
            if last < match.lowerBound { parts.append((last..<match.lowerBound, invert)) }
            parts.append((match, !invert))
            last = match.upperBound
        }
        if last < piece.endIndex { parts.append((last..<piece.endIndex, invert)) }

        var kept: [Range<Int>] = []
        kept.reserveCapacity(parts.count)
        switch self {
        case .isolated:
            kept = parts.map(\.range)
        case .removed:
            kept = parts.filter { !$0.isMatch }.map(\.range)
        case .contiguous:
            var previous = false
            for part in parts {
                if part.isMatch == previous, let end = kept.indices.last {
                    kept[end] = kept[end].lowerBound..<part.range.upperBound
                } else {
                    kept.append(part.range)
                }
                previous = part.isMatch
            }
        case .mergedWithPrevious:
            var previous = false
            for part in parts {
                if part.isMatch, !previous, let end = kept.indices.last {
                    kept[end] = kept[end].lowerBound..<part.range.upperBound
                } else {
                    kept.append(part.range)
                }
                previous = part.isMatch
            }
        case .mergedWithNext:
            var previous = false
            for part in parts.reversed() {
                if part.isMatch, !previous, let end = kept.indices.last {
                    kept[end] = part.range.lowerBound..<kept[end].upperBound
                } else {
                    kept.append(part.range)
                }
                previous = part.isMatch
            }
            kept.reverse()
        }
        return kept.compactMap { $0.isEmpty ? nil : piece[$0] }
    }
}
