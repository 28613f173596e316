import Foundation

/// HF `tokenizers` normalizers: text-to-text rewrites applied before pre-tokenization.
indirect enum Normalizer: Sendable {
    case sequence([Normalizer])
    case prepend([UInt8])
    case replaceLiteral(pattern: [UInt8], content: [UInt8])
    case replaceRegex(ICURegex, content: [UInt8])
    case unicode(UnicodeForm)
    case lowercase
    case strip(left: Bool, right: Bool)
    case stripAccents
    /// Maps each byte to its GPT-2 byte-level character.
    case byteLevel
    /// HF's `Precompiled`: SentencePiece rules applied grapheme by grapheme.
    case precompiled(PrecompiledCharsMap)
    /// SentencePiece's own normalisation: its compiled rules (none for the `identity` rule set), optional
    /// removal of extra whitespace, the dummy prefix, and escaping spaces as "▁".
    case sentencePiece(rules: PrecompiledCharsMap?, addDummyPrefix: Bool, removeExtraWhitespaces: Bool,
                       escapeWhitespaces: Bool)

    enum UnicodeForm: Sendable { case nfc, nfd, nfkc, nfkd }

    func apply(_ text: [UInt8]) -> [UInt8] {
        switch self {
        case .sequence(let normalizers):
            return normalizers.reduce(text) { $1.apply($0) }
        case .prepend(let prefix):
            return text.isEmpty ? text : prefix + text
        case .replaceLiteral(let pattern, let content):
            guard !pattern.isEmpty else { return text }
            let matches = PatternSplitters.literal(pattern, in: text[...])
            if matches.isEmpty { return text }
            var out: [UInt8] = []
            out.reserveCapacity(text.count)
            var last = 0
            for range in matches {
                out.append(contentsOf: text[last..<range.lowerBound])
                out.append(contentsOf: content)
                last = range.upperBound
            }
            out.append(contentsOf: text[last...])
            return out
        case .replaceRegex(let regex, let content):
            return regex.replacing(in: text, with: content)
        case .unicode(let form):
            if text.allSatisfy({ $0 < 0x80 }) { return text }
            let string = String(decoding: text, as: UTF8.self)
            let normalized: String
            switch form {
            case .nfc: normalized = string.precomposedStringWithCanonicalMapping
            case .nfd: normalized = string.decomposedStringWithCanonicalMapping
            case .nfkc: normalized = string.precomposedStringWithCompatibilityMapping
            case .nfkd: normalized = string.decomposedStringWithCompatibilityMapping
            }
            return Array(normalized.utf8)
        case .lowercase:
            // Rust's `char::to_lowercase`, character by character (no context-dependent final sigma).
            var out: [UInt8] = []
            out.reserveCapacity(text.count)
            for scalar in UTF8Scalars.scalars(text) {
                if scalar < 0x80 {
                    out.append(scalar >= 0x41 && scalar <= 0x5A ? UInt8(scalar + 0x20) : UInt8(scalar))
                } else if let s = Unicode.Scalar(scalar) {
                    out.append(contentsOf: s.properties.lowercaseMapping.utf8)
                }
            }
            return out
        case .strip(let left, let right):
            let scalars = UTF8Scalars.scalars(text)
            var start = 0
            var end = scalars.count
            if left { while start < end, CharacterClass.of(scalars[start]).contains(.whitespace) { start += 1 } }
            if right { while end > start, CharacterClass.of(scalars[end - 1]).contains(.whitespace) { end -= 1 } }
            var out: [UInt8] = []
            for scalar in scalars[start..<end] { UTF8Scalars.append(scalar, to: &out) }
            return out
        case .stripAccents:
            var out: [UInt8] = []
            for scalar in UTF8Scalars.scalars(text) where !CharacterClass.of(scalar).contains(.mark) {
                UTF8Scalars.append(scalar, to: &out)
            }
            return out
        case .byteLevel:
            return ByteLevel.encode(text[...])
        case .precompiled(let rules):
            return rules.normalizeGraphemes(text)
        case let .sentencePiece(rules, addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces):
            return Self.sentencePieceNormalize(text, rules: rules, addDummyPrefix: addDummyPrefix,
                                               removeExtraWhitespaces: removeExtraWhitespaces,
                                               escapeWhitespaces: escapeWhitespaces)
        }
    }

    static let metaspace: [UInt8] = [0xE2, 0x96, 0x81] // "▁"

    /// SentencePiece `Normalizer::Normalize`.
    private static func sentencePieceNormalize(_ text: [UInt8], rules: PrecompiledCharsMap?, addDummyPrefix: Bool,
                                               removeExtraWhitespaces: Bool,
                                               escapeWhitespaces: Bool) -> [UInt8] {
        func normalizePrefix(at i: Int) -> (text: ArraySlice<UInt8>, consumed: Int) {
            if let rules { return rules.normalizePrefix(text, at: i) }
            let length = min(UTF8Scalars.length(lead: text[i]), text.count - i)
            return (text[i..<(i + length)], length)
        }
        var i = 0
        if removeExtraWhitespaces {
            while i < text.count {
                let prefix = normalizePrefix(at: i)
                guard prefix.text.elementsEqual([0x20]) else { break }
                i += prefix.consumed
            }
        }
        if i == text.count { return [] }
        let space: [UInt8] = escapeWhitespaces ? metaspace : [0x20]
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 3)
        if addDummyPrefix { out.append(contentsOf: space) }
        var previousWasSpace = removeExtraWhitespaces
        while i < text.count {
            var (piece, consumed) = normalizePrefix(at: i)
            // A piece does not start with spaces when the previous one ended with one.
            while previousWasSpace, piece.first == 0x20 { piece = piece.dropFirst() }
            if !piece.isEmpty {
                for byte in piece {
                    if escapeWhitespaces, byte == 0x20 { out.append(contentsOf: space) } else { out.append(byte) }
                }
                previousWasSpace = piece.last == 0x20
            }
            i += consumed
            if !removeExtraWhitespaces { previousWasSpace = false }
        }
        if removeExtraWhitespaces {
            while out.count >= space.count, out.suffix(space.count).elementsEqual(space) {
                out.removeLast(space.count)
            }
        }
        return out
    }
}
