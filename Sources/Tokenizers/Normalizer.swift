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
    /// SentencePiece's own normalisation (the `identity` rule set): optional removal of extra whitespace,
    /// the dummy prefix, and escaping spaces as "▁".
    case sentencePiece(addDummyPrefix: Bool, removeExtraWhitespaces: Bool, escapeWhitespaces: Bool)

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
        case let .sentencePiece(addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces):
            return Self.sentencePieceNormalize(text, addDummyPrefix: addDummyPrefix,
                                               removeExtraWhitespaces: removeExtraWhitespaces,
                                               escapeWhitespaces: escapeWhitespaces)
        }
    }

    static let metaspace: [UInt8] = [0xE2, 0x96, 0x81] // "▁"

    /// SentencePiece `Normalizer::Normalize` with the identity character map.
    private static func sentencePieceNormalize(_ input: [UInt8], addDummyPrefix: Bool,
                                               removeExtraWhitespaces: Bool,
                                               escapeWhitespaces: Bool) -> [UInt8] {
        var text = input[...]
        if removeExtraWhitespaces {
            while text.first == 0x20 { text = text.dropFirst() }
        }
        if text.isEmpty { return [] }
        let space: [UInt8] = escapeWhitespaces ? metaspace : [0x20]
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 3)
        if addDummyPrefix { out.append(contentsOf: space) }
        var previousWasSpace = removeExtraWhitespaces
        for byte in text {
            if byte == 0x20 {
                if previousWasSpace { continue }
                out.append(contentsOf: space)
                previousWasSpace = removeExtraWhitespaces
            } else {
                out.append(byte)
                previousWasSpace = false
            }
        }
        if removeExtraWhitespaces {
            while out.count >= space.count, out.suffix(space.count).elementsEqual(space) {
                out.removeLast(space.count)
            }
        }
        return out
    }
}
