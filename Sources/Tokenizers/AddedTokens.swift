/// A token matched whole in the input text before normalization or pre-tokenization (HF `AddedToken`):
/// special tokens such as "<s>" and "<|im_start|>", and tokens added after training.
struct AddedToken: Sendable, Equatable {
    var id: Int
    var content: String
    var special: Bool
    /// Absorb whitespace on the left / right of the match.
    var lstrip: Bool
    var rstrip: Bool
    /// Match against the normalized text rather than the raw text.
    var normalized: Bool
    /// Match only where the token is not part of a longer word.
    var singleWord: Bool

    init(id: Int, content: String, special: Bool, lstrip: Bool = false, rstrip: Bool = false,
         normalized: Bool? = nil, singleWord: Bool = false) {
        self.id = id
        self.content = content
        self.special = special
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.normalized = normalized ?? !special
        self.singleWord = singleWord
    }
}

/// Finds added tokens in text the way HF's `AddedVocabulary::find_matches` does: leftmost-longest matches,
/// left to right without overlap, with the single-word, lstrip and rstrip rules applied to each.
struct AddedTokenMatcher: Sendable {
    enum Segment: Equatable {
        case text(Range<Int>)
        case token(Int32)
    }

    private var trie = ByteTrie()
    private var tokens: [AddedToken] = []
    private var firstBytes = [Bool](repeating: false, count: 256)
    private var maximumLength = 0

    /// - Parameter patterns: each token with the byte string to look for (its content, or its normalized
    ///   form for `normalized` tokens).
    init(_ patterns: [(token: AddedToken, pattern: [UInt8])]) {
        for (token, pattern) in patterns where !pattern.isEmpty {
            trie.insert(pattern, id: Int32(tokens.count))
            tokens.append(token)
            firstBytes[Int(pattern[0])] = true
            maximumLength = max(maximumLength, pattern.count)
        }
    }

    var isEmpty: Bool { tokens.isEmpty }

    /// Splits `text` into added tokens and the text between them; `skipSpecial` leaves special tokens as
    /// text (HF's `encode_special_tokens`).
    func split(_ text: [UInt8], skipSpecial: Bool = false) -> [Segment] {
        if tokens.isEmpty || text.isEmpty { return [.text(0..<text.count)] }
        var segments: [Segment] = []
        var consumed = 0
        var searchFrom = 0
        while let (start0, end0, index) = leftmostLongest(in: text, from: searchFrom) {
            searchFrom = end0
            let token = tokens[index]
            if skipSpecial, token.special { continue }
            var start = start0
            var end = end0
            if token.singleWord {
                let startsWord = start == 0 || !Self.endsWithWordCharacter(text[..<start])
                let endsWord = end == text.count || !Self.startsWithWordCharacter(text[end...])
                if !startsWord || !endsWord { continue }
            }
            if token.lstrip {
                start = max(Self.trailingWhitespaceStart(text[..<start]), consumed)
            }
            if token.rstrip {
                end = Self.leadingWhitespaceEnd(text[end...])
            }
            // HF would emit overlapping pieces if a later match began inside stripped whitespace.
            start = max(start, consumed)
            end = max(end, start)
            if consumed < start { segments.append(.text(consumed..<start)) }
            segments.append(.token(Int32(token.id)))
            consumed = end
        }
        if consumed < text.count { segments.append(.text(consumed..<text.count)) }
        return segments
    }

    private func leftmostLongest(in text: [UInt8], from: Int) -> (Int, Int, Int)? {
        var start = from
        while start < text.count {
            if firstBytes[Int(text[start])] {
                var best: (Int, Int32)? = nil
                trie.forEachPrefix(of: text, from: start) { end, index in best = (end, index) }
                if let (end, index) = best { return (start, end, Int(index)) }
            }
            start += 1
        }
        return nil
    }

    private static func lastScalar(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        guard !bytes.isEmpty else { return nil }
        var start = bytes.endIndex - 1
        while start > bytes.startIndex, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return UTF8Scalars.scalars(Array(bytes[start...])).first
    }

    private static func firstScalar(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        guard let lead = bytes.first else { return nil }
        let length = min(UTF8Scalars.length(lead: lead), bytes.count)
        return UTF8Scalars.scalars(Array(bytes.prefix(length))).first
    }

    /// Rust regex's `\w`: alphabetic, marks, decimal digits, connector punctuation, joiners.
    private static func isWordCharacter(_ scalar: UInt32) -> Bool {
        if scalar == 0x200C || scalar == 0x200D { return true }
        return !CharacterClass.of(scalar).isDisjoint(with: [.alphabetic, .mark, .decimalDigit, .connector])
    }

    private static func endsWithWordCharacter(_ bytes: ArraySlice<UInt8>) -> Bool {
        lastScalar(bytes).map(isWordCharacter) ?? false
    }

    private static func startsWithWordCharacter(_ bytes: ArraySlice<UInt8>) -> Bool {
        firstScalar(bytes).map(isWordCharacter) ?? false
    }

    /// Where the whitespace at the end of `bytes` begins.
    private static func trailingWhitespaceStart(_ bytes: ArraySlice<UInt8>) -> Int {
        var start = bytes.endIndex
        while let scalar = lastScalar(bytes[bytes.startIndex..<start]), CharacterClass.of(scalar).contains(.whitespace) {
            var s = start - 1
            while s > bytes.startIndex, bytes[s] & 0xC0 == 0x80 { s -= 1 }
            start = s
        }
        return start
    }

    /// Where the whitespace at the start of `bytes` ends.
    private static func leadingWhitespaceEnd(_ bytes: ArraySlice<UInt8>) -> Int {
        var end = bytes.startIndex
        while let scalar = firstScalar(bytes[end...]), CharacterClass.of(scalar).contains(.whitespace) {
            end += min(UTF8Scalars.length(lead: bytes[end]), bytes.endIndex - end)
        }
        return end
    }
}
