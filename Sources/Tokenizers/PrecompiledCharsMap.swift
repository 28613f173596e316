/// SentencePiece's compiled normalization rules (`normalizer_spec.precompiled_charsmap`, HF's `Precompiled`
/// normalizer): a Darts double-array trie over UTF-8 byte sequences whose values point into a blob of
/// NUL-terminated replacement strings. The layout is `[u32 trie byte size][trie units][replacements]`.
struct PrecompiledCharsMap: Sendable {
    private let units: [UInt32]
    private let replacements: [UInt8]

    /// Parses the blob; `nil` when its declared trie size does not fit.
    init?(_ blob: [UInt8]) {
        guard blob.count >= 4 else { return nil }
        let trieSize = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
        guard trieSize % 4 == 0, trieSize <= blob.count - 4 else { return nil }
        units = (0..<(trieSize / 4)).map { index in
            let at = 4 + index * 4
            return UInt32(blob[at]) | UInt32(blob[at + 1]) << 8 | UInt32(blob[at + 2]) << 16 | UInt32(blob[at + 3]) << 24
        }
        replacements = Array(blob[(4 + trieSize)...])
    }

    /// Darts' `commonPrefixSearch`: for each key in the trie that is a prefix of `bytes[start...]`, shortest
    /// first, its byte length and the offset of its replacement. A NUL byte ends the search, as in Darts.
    func prefixMatches(_ bytes: [UInt8], from start: Int) -> [(length: Int, value: Int)] {
        var results: [(length: Int, value: Int)] = []
        guard let root = units.first else { return results }
        var node = Int(Self.offset(root))
        var i = start
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0 { break }
            node ^= Int(byte)
            guard node < units.count else { break }
            let unit = units[node]
            guard Self.label(unit) == UInt32(byte) else { break }
            node ^= Int(Self.offset(unit))
            i += 1
            if Self.hasLeaf(unit) {
                guard node < units.count else { break }
                results.append((i - start, Int(units[node] & 0x7FFF_FFFF)))
            }
        }
        return results
    }

    /// The replacement string stored at `offset`.
    func replacement(at offset: Int) -> ArraySlice<UInt8> {
        guard offset >= 0, offset <= replacements.count else { return [] }
        let end = replacements[offset...].firstIndex(of: 0) ?? replacements.count
        return replacements[offset..<end]
    }

    private static func hasLeaf(_ unit: UInt32) -> Bool { (unit >> 8) & 1 == 1 }
    private static func label(_ unit: UInt32) -> UInt32 { unit & (1 << 31 | 0xFF) }
    private static func offset(_ unit: UInt32) -> UInt32 { (unit >> 10) << ((unit & (1 << 9)) >> 6) }

    /// SentencePiece's `Normalizer::NormalizePrefix`: the longest rule matching at `start`, or one character
    /// unchanged. Returns the normalized text and the number of input bytes consumed.
    func normalizePrefix(_ bytes: [UInt8], at start: Int) -> (text: ArraySlice<UInt8>, consumed: Int) {
        if let longest = prefixMatches(bytes, from: start).max(by: { $0.length < $1.length }) {
            return (replacement(at: longest.value), longest.length)
        }
        let length = min(UTF8Scalars.length(lead: bytes[start]), bytes.count - start)
        return (bytes[start..<(start + length)], length)
    }

    /// HF's `Precompiled` normalizer: each grapheme shorter than 6 bytes is replaced whole by the rule of its
    /// shortest matching prefix; otherwise each of its characters is, when a rule matches it.
    func normalizeGraphemes(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        for grapheme in String(decoding: text, as: UTF8.self) {
            let bytes = Array(grapheme.utf8)
            if bytes.count < 6, let first = prefixMatches(bytes, from: 0).first {
                out.append(contentsOf: replacement(at: first.value))
                continue
            }
            for scalar in grapheme.unicodeScalars {
                var part: [UInt8] = []
                UTF8Scalars.append(scalar.value, to: &part)
                if let first = prefixMatches(part, from: 0).first {
                    out.append(contentsOf: replacement(at: first.value))
                } else {
                    out.append(contentsOf: part)
                }
            }
        }
        return out
    }
}
