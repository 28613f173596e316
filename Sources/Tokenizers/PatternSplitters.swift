/// Hand-written equivalents of the pre-tokenizer regexes that byte-level BPE vocabularies are trained with.
///
/// Each function walks the text once and returns the byte ranges the regex's `find_iter` would return,
/// reproducing the backtracking of `\s+(?!\S)`, `\s*[\r\n]+` and the optional leading space exactly. They are
/// an order of magnitude faster than a general regex engine and do not depend on how a given engine treats
/// possessive or look-ahead constructs.
enum PatternSplitters {
    /// Text decoded into scalars with their classes and byte offsets (`offsets[count]` is the byte length).
    struct Decoded {
        var scalars: [UInt32] = []
        var classes: [CharacterClass] = []
        var offsets: [Int] = []

        init(_ bytes: ArraySlice<UInt8>) {
            scalars.reserveCapacity(bytes.count)
            classes.reserveCapacity(bytes.count)
            offsets.reserveCapacity(bytes.count + 1)
            let base = bytes.startIndex
            bytes.withUnsafeBufferPointer { buffer in
                var i = 0
                while i < buffer.count {
                    let (scalar, length) = UTF8Scalars.decode(buffer, at: i)
                    scalars.append(scalar)
                    classes.append(CharacterClass.of(scalar))
                    offsets.append(base + i)
                    i += length
                }
                offsets.append(base + buffer.count)
            }
        }

        var count: Int { scalars.count }

        @inline(__always) func isLetter(_ i: Int) -> Bool { classes[i].contains(.letter) }
        @inline(__always) func isNumber(_ i: Int) -> Bool { classes[i].contains(.number) }
        @inline(__always) func isSpace(_ i: Int) -> Bool { classes[i].contains(.whitespace) }
        /// `[^\s\p{L}\p{N}]`
        @inline(__always) func isOther(_ i: Int) -> Bool {
            classes[i].isDisjoint(with: [.letter, .number, .whitespace])
        }
        @inline(__always) func isNewline(_ i: Int) -> Bool { scalars[i] == 0x0A || scalars[i] == 0x0D }

        /// The end of the run starting at `i` of characters satisfying `predicate`.
        @inline(__always) func run(from i: Int, while predicate: (Int) -> Bool) -> Int {
            var j = i
            while j < count, predicate(j) { j += 1 }
            return j
        }

        func byteRange(_ start: Int, _ end: Int) -> Range<Int> { offsets[start]..<offsets[end] }
    }

    /// `\s+(?!\S)|\s+` at `i`, where `i` is whitespace: a run of whitespace, less its last character when a
    /// non-space follows and the run is longer than one (that character then leads the next word).
    @inline(__always)
    private static func whitespaceRun(_ d: Decoded, _ i: Int) -> Int {
        let j = d.run(from: i) { d.isSpace($0) }
        if j == d.count || j - i == 1 { return j }
        return j - 1
    }

    private static let apostrophe: UInt32 = 0x27

    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    static func gpt2(_ bytes: ArraySlice<UInt8>) -> [Range<Int>] {
        let d = Decoded(bytes)
        var result: [Range<Int>] = []
        var i = 0
        while i < d.count {
            let end = gpt2Match(d, at: i)
            result.append(d.byteRange(i, end))
            i = end
        }
        return result
    }

    private static func gpt2Match(_ d: Decoded, at i: Int) -> Int {
        let c = d.scalars[i]
        if c == apostrophe, i + 1 < d.count {
            switch d.scalars[i + 1] {
            case 0x73, 0x74, 0x6D, 0x64: return i + 2 // s t m d
            case 0x72, 0x76: if i + 2 < d.count, d.scalars[i + 2] == 0x65 { return i + 3 } // re ve
            case 0x6C: if i + 2 < d.count, d.scalars[i + 2] == 0x6C { return i + 3 } // ll
            default: break
            }
        }
        var start = i
        if c == 0x20, i + 1 < d.count, !d.isSpace(i + 1) { start = i + 1 }
        if d.isLetter(start) { return d.run(from: start + 1) { d.isLetter($0) } }
        if d.isNumber(start) { return d.run(from: start + 1) { d.isNumber($0) } }
        if d.isOther(start) { return d.run(from: start + 1) { d.isOther($0) } }
        return whitespaceRun(d, i)
    }

    /// Llama 3 (`maxDigits` 3) and Qwen 2 (`maxDigits` 1):
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    static func llama3(_ bytes: ArraySlice<UInt8>, maxDigits: Int) -> [Range<Int>] {
        let d = Decoded(bytes)
        var result: [Range<Int>] = []
        var i = 0
        while i < d.count {
            let end = llama3Match(d, at: i, maxDigits: maxDigits)
            result.append(d.byteRange(i, end))
            i = end
        }
        return result
    }

    /// Simple case folding of the letters the contractions use; U+017F LONG S folds to "s".
    @inline(__always)
    private static func folded(_ c: UInt32) -> UInt32 {
        if c >= 0x41, c <= 0x5A { return c + 0x20 }
        if c == 0x17F { return 0x73 }
        return c
    }

    private static func llama3Match(_ d: Decoded, at i: Int, maxDigits: Int) -> Int {
        let c = d.scalars[i]
        if c == apostrophe, i + 1 < d.count {
            switch folded(d.scalars[i + 1]) {
            case 0x73, 0x74, 0x6D, 0x64: return i + 2
            case 0x72, 0x76: if i + 2 < d.count, folded(d.scalars[i + 2]) == 0x65 { return i + 3 }
            case 0x6C: if i + 2 < d.count, folded(d.scalars[i + 2]) == 0x6C { return i + 3 }
            default: break
            }
        }
        if d.isLetter(i) { return d.run(from: i + 1) { d.isLetter($0) } }
        if !d.isNewline(i), !d.isNumber(i), i + 1 < d.count, d.isLetter(i + 1) {
            return d.run(from: i + 2) { d.isLetter($0) }
        }
        if d.isNumber(i) {
            var j = i + 1
            while j < d.count, j - i < maxDigits, d.isNumber(j) { j += 1 }
            return j
        }
        var start = i
        if c == 0x20, i + 1 < d.count, d.isOther(i + 1) { start = i + 1 }
        if d.isOther(start) {
            let j = d.run(from: start + 1) { d.isOther($0) }
            return d.run(from: j) { d.isNewline($0) }
        }
        // `\s*[\r\n]+`: the whitespace run up to and including its last line break.
        let j = d.run(from: i) { d.isSpace($0) }
        var k = j - 1
        while k >= i, !d.isNewline(k) { k -= 1 }
        if k >= i { return k + 1 }
        return whitespaceRun(d, i)
    }

    /// `\w+|[^\w\s]+` (the `Whitespace` pre-tokenizer), with `\w` = letters, marks, decimal digits and
    /// connector punctuation as in Oniguruma.
    static func wordsAndPunctuation(_ bytes: ArraySlice<UInt8>) -> [Range<Int>] {
        let d = Decoded(bytes)
        func isWord(_ i: Int) -> Bool {
            !d.classes[i].isDisjoint(with: [.letter, .mark, .decimalDigit, .connector])
        }
        var result: [Range<Int>] = []
        var i = 0
        while i < d.count {
            if isWord(i) {
                let j = d.run(from: i) { isWord($0) }
                result.append(d.byteRange(i, j)); i = j
            } else if !d.isSpace(i) {
                let j = d.run(from: i) { !isWord($0) && !d.isSpace($0) }
                result.append(d.byteRange(i, j)); i = j
            } else {
                i += 1
            }
        }
        return result
    }

    /// Every occurrence of a literal, left to right, without overlaps.
    static func literal(_ needle: [UInt8], in bytes: ArraySlice<UInt8>) -> [Range<Int>] {
        guard !needle.isEmpty, bytes.count >= needle.count else { return [] }
        var result: [Range<Int>] = []
        var i = bytes.startIndex
        let last = bytes.endIndex - needle.count
        while i <= last {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) {
                result.append(i..<(i + needle.count))
                i += needle.count
            } else {
                i += 1
            }
        }
        return result
    }

    /// Each character satisfying `predicate` as its own match.
    static func characters(in bytes: ArraySlice<UInt8>, where predicate: (UInt32, CharacterClass) -> Bool)
        -> [Range<Int>] {
        let d = Decoded(bytes)
        var result: [Range<Int>] = []
        for i in 0..<d.count where predicate(d.scalars[i], d.classes[i]) {
            result.append(d.byteRange(i, i + 1))
        }
        return result
    }
}
