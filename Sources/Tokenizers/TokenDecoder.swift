/// HF decoders: each rewrites the list of token strings on the way back to text (`decode_chain`). Tokens stay
/// valid UTF-8 between steps, as Rust `String`s do.
indirect enum TokenDecoder: Sendable {
    case sequence([TokenDecoder])
    /// Byte-level characters back to bytes; the whole list becomes one lossily decoded string.
    case byteLevel
    /// "▁" back to " "; with a prepend scheme other than `never`, the first token loses its "▁"s.
    case metaspace(replacement: [UInt8], stripFirst: Bool)
    /// Runs of `<0xXX>` tokens back to the bytes they stand for.
    case byteFallback
    case fuse
    case strip(content: UInt32, start: Int, stop: Int)
    case replaceLiteral(pattern: [UInt8], content: [UInt8])
    case replaceRegex(ICURegex, content: [UInt8])
    case wordPiece(prefix: [UInt8], cleanup: Bool)
    case bpeSuffix([UInt8])

    func decode(_ tokens: [[UInt8]]) -> [[UInt8]] {
        switch self {
        case .sequence(let decoders):
            return decoders.reduce(tokens) { $1.decode($0) }
        case .byteLevel:
            var bytes: [UInt8] = []
            for token in tokens { bytes += ByteLevel.decode(token) ?? token }
            return [UTF8Scalars.repaired(bytes)]
        case let .metaspace(replacement, stripFirst):
            let replacementScalar = UTF8Scalars.scalars(replacement).first ?? 0x2581
            return tokens.enumerated().map { index, token in
                var out: [UInt8] = []
                for scalar in UTF8Scalars.scalars(token) {
                    if scalar == replacementScalar {
                        if index == 0 && stripFirst { continue }
                        out.append(0x20)
                    } else {
                        UTF8Scalars.append(scalar, to: &out)
                    }
                }
                return out
            }
        case .byteFallback:
            var out: [[UInt8]] = []
            var pending: [UInt8] = []
            func flush() {
                guard !pending.isEmpty else { return }
                if UTF8Scalars.isValid(pending) {
                    out.append(pending)
                } else {
                    // HF emits one replacement character per byte of an invalid run.
                    for _ in pending { out.append([0xEF, 0xBF, 0xBD]) }
                }
                pending.removeAll()
            }
            for token in tokens {
                if let byte = Self.byteToken(token) {
                    pending.append(byte)
                } else {
                    flush()
                    out.append(token)
                }
            }
            flush()
            return out
        case .fuse:
            return [tokens.flatMap { $0 }]
        case let .strip(content, start, stop):
            return tokens.map { token in
                let scalars = UTF8Scalars.scalars(token)
                var startCut = 0
                for i in 0..<min(start, scalars.count) {
                    if scalars[i] == content { startCut = i + 1 } else { break }
                }
                var stopCut = scalars.count
                for i in 0..<stop {
                    let index = scalars.count - i - 1
                    guard index >= 0 else { break }
                    if scalars[index] == content { stopCut = index } else { break }
                }
                var out: [UInt8] = []
                if startCut < stopCut { for s in scalars[startCut..<stopCut] { UTF8Scalars.append(s, to: &out) } }
                return out
            }
        case let .replaceLiteral(pattern, content):
            let normalizer = Normalizer.replaceLiteral(pattern: pattern, content: content)
            return tokens.map { normalizer.apply($0) }
        case let .replaceRegex(regex, content):
            return tokens.map { regex.replacing(in: $0, with: content) }
        case let .wordPiece(prefix, cleanup):
            return tokens.enumerated().map { index, token in
                var out = token
                if index != 0 {
                    if token.starts(with: prefix) { out = Array(token.dropFirst(prefix.count)) } else { out = [0x20] + token }
                }
                return cleanup ? Self.cleanUpTokenization(out) : out
            }
        case .bpeSuffix(let suffix):
            return tokens.enumerated().map { index, token in
                let replacement: [UInt8] = index == tokens.count - 1 ? [] : [0x20]
                return Normalizer.replaceLiteral(pattern: suffix, content: replacement).apply(token)
            }
        }
    }

    /// The byte a `<0xXX>` token stands for.
    static func byteToken(_ token: [UInt8]) -> UInt8? {
        guard token.count == 6, token[0] == 0x3C, token[1] == 0x30, token[2] == 0x78, token[5] == 0x3E else {
            return nil
        }
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        guard let high = hex(token[3]), let low = hex(token[4]) else { return nil }
        return high << 4 | low
    }

    /// transformers' `clean_up_tokenization`: no space before punctuation and some English contractions.
    private static func cleanUpTokenization(_ token: [UInt8]) -> [UInt8] {
        var text = token
        for (from, to) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                           (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
            text = Normalizer.replaceLiteral(pattern: Array(from.utf8), content: Array(to.utf8)).apply(text)
        }
        return text
    }
}
