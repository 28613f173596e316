/// HF `tokenizers` pre-tokenizers: each turns one piece of normalized text into smaller pieces ("words")
/// that the model then encodes independently.
indirect enum PreTokenizer: Sendable {
    case sequence([PreTokenizer])
    /// Byte-level: optionally a leading space and the GPT-2 split, then every byte mapped to its character.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    case split(SplitPattern, behavior: SplitBehavior, invert: Bool)
    case digits(individual: Bool)
    case metaspace(replacement: [UInt8], prependScheme: PrependScheme, split: Bool)
    /// `\w+|[^\w\s]+`, whitespace dropped.
    case whitespace
    /// Split on whitespace, dropping it.
    case whitespaceSplit
    case punctuation(SplitBehavior)
    /// BERT: whitespace split, then every punctuation character isolated.
    case bert

    enum PrependScheme: String, Sendable { case always, first, never }

    /// A piece of text and whether it starts the original input (Metaspace's `first` scheme needs that).
    struct Piece {
        var bytes: ArraySlice<UInt8>
        var isFirst: Bool
    }

    func apply(_ pieces: [Piece]) -> [Piece] {
        switch self {
        case .sequence(let preTokenizers):
            return preTokenizers.reduce(pieces) { $1.apply($0) }
        default:
            var result: [Piece] = []
            result.reserveCapacity(pieces.count)
            for piece in pieces {
                split(piece, into: &result)
            }
            return result
        }
    }

    private func split(_ piece: Piece, into result: inout [Piece]) {
        func emit(_ parts: [ArraySlice<UInt8>]) {
            for (index, part) in parts.enumerated() {
                result.append(Piece(bytes: part, isFirst: piece.isFirst && index == 0 && part.startIndex == piece.bytes.startIndex))
            }
        }
        switch self {
        case .sequence:
            result.append(contentsOf: apply([piece]))
        case let .byteLevel(addPrefixSpace, useRegex):
            var text = piece.bytes
            if addPrefixSpace, text.first != 0x20 { text = ([0x20] + text)[...] }
            let parts = useRegex ? SplitBehavior.isolated.apply(to: text, matches: PatternSplitters.gpt2(text)) : [text]
            for (index, part) in parts.enumerated() where !part.isEmpty {
                result.append(Piece(bytes: ByteLevel.encode(part)[...], isFirst: piece.isFirst && index == 0))
            }
        case let .split(pattern, behavior, invert):
            emit(behavior.apply(to: piece.bytes, matches: pattern.matches(in: piece.bytes), invert: invert))
        case .digits(let individual):
            let matches = PatternSplitters.characters(in: piece.bytes) { _, cls in cls.contains(.number) }
            emit((individual ? SplitBehavior.isolated : .contiguous).apply(to: piece.bytes, matches: matches))
        case let .metaspace(replacement, prependScheme, splitOnReplacement):
            var text = Array(Normalizer.replaceLiteral(pattern: [0x20], content: replacement).apply(Array(piece.bytes)))
            let startsWithReplacement = text.starts(with: replacement)
            switch prependScheme {
            case .always where !startsWithReplacement, .first where !startsWithReplacement && piece.isFirst:
                text = replacement + text
            default:
                break
            }
            let slice = text[...]
            if splitOnReplacement {
                let matches = PatternSplitters.literal(replacement, in: slice)
                let parts = SplitBehavior.mergedWithNext.apply(to: slice, matches: matches)
                for (index, part) in parts.enumerated() {
                    result.append(Piece(bytes: part, isFirst: piece.isFirst && index == 0))
                }
            } else if !slice.isEmpty {
                result.append(Piece(bytes: slice, isFirst: piece.isFirst))
            }
        case .whitespace:
            emit(SplitBehavior.removed.apply(to: piece.bytes, matches: PatternSplitters.wordsAndPunctuation(piece.bytes),
                                             invert: true))
        case .whitespaceSplit:
            let matches = PatternSplitters.characters(in: piece.bytes) { _, cls in cls.contains(.whitespace) }
            emit(SplitBehavior.removed.apply(to: piece.bytes, matches: matches))
        case .punctuation(let behavior):
            emit(behavior.apply(to: piece.bytes, matches: PatternSplitters.characters(in: piece.bytes, where: Self.isPunctuation)))
        case .bert:
            let words = PreTokenizer.whitespaceSplit.apply([piece])
            result.append(contentsOf: PreTokenizer.punctuation(.isolated).apply(words))
        }
    }

    /// BERT's punctuation: ASCII punctuation or any Unicode P category.
    private static func isPunctuation(_ scalar: UInt32, _ cls: CharacterClass) -> Bool {
        if scalar < 0x80 {
            return (0x21...0x2F).contains(scalar) || (0x3A...0x40).contains(scalar)
                || (0x5B...0x60).contains(scalar) || (0x7B...0x7E).contains(scalar)
        }
        return cls.contains(.punctuation)
    }
}
