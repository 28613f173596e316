/// The character classes the pre-tokenizer patterns use (`\p{L}`, `\p{N}`, `\s`, `\w`), looked up from
/// Swift's Unicode tables. The Basic Multilingual Plane is tabulated once so the splitters' inner loops do
/// one array load per character; astral characters ask the stdlib directly.
struct CharacterClass: OptionSet, Sendable {
    let rawValue: UInt8

    /// General category L: Lu, Ll, Lt, Lm, Lo — `\p{L}`.
    static let letter = CharacterClass(rawValue: 1 << 0)
    /// General category N: Nd, Nl, No — `\p{N}`, Rust's `char::is_numeric`.
    static let number = CharacterClass(rawValue: 1 << 1)
    /// The White_Space property — `\s` in Oniguruma and Rust's regex, `char::is_whitespace`.
    static let whitespace = CharacterClass(rawValue: 1 << 2)
    /// General category M: Mn, Mc, Me.
    static let mark = CharacterClass(rawValue: 1 << 3)
    /// General category Nd.
    static let decimalDigit = CharacterClass(rawValue: 1 << 4)
    /// General category Pc (connector punctuation, e.g. "_").
    static let connector = CharacterClass(rawValue: 1 << 5)
    /// The Alphabetic property.
    static let alphabetic = CharacterClass(rawValue: 1 << 6)
    /// General category P (any punctuation).
    static let punctuation = CharacterClass(rawValue: 1 << 7)

    static func of(_ scalar: UInt32) -> CharacterClass {
        if scalar < 0x10000 { return CharacterClass(rawValue: bmpTable[Int(scalar)]) }
        guard let s = Unicode.Scalar(scalar) else { return [] }
        return compute(s)
    }

    /// The Unicode version of HF `tokenizers`' regex engine (Oniguruma, as built into tokenizers 0.23). Scalars
    /// assigned later are unassigned to it, so they must be to us, whatever Swift's newer tables say.
    static let regexEngineUnicodeVersion = (major: 16, minor: 0)

    private static func compute(_ scalar: Unicode.Scalar) -> CharacterClass {
        let properties = scalar.properties
        if let age = properties.age,
           (age.major, age.minor) > regexEngineUnicodeVersion {
            return []
        }
        var result: CharacterClass = []
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            result.insert(.letter)
        case .decimalNumber:
            result.insert(.number)
            result.insert(.decimalDigit)
        case .letterNumber, .otherNumber:
            result.insert(.number)
        case .nonspacingMark, .spacingMark, .enclosingMark:
            result.insert(.mark)
        case .connectorPunctuation:
            result.insert(.connector)
            result.insert(.punctuation)
        case .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
             .otherPunctuation:
            result.insert(.punctuation)
        default:
            break
        }
        if properties.isWhitespace { result.insert(.whitespace) }
        if properties.isAlphabetic { result.insert(.alphabetic) }
        return result
    }

    private static let bmpTable: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 0x10000)
        for code in 0..<0x10000 {
            if let scalar = Unicode.Scalar(UInt32(code)) { table[code] = compute(scalar).rawValue }
        }
        return table
    }()
}

/// Decoding of UTF-8 held in byte arrays. Tokenizer text is always valid UTF-8 (it comes from Swift
/// strings or is repaired on entry), so these helpers only guard against running off the end.
enum UTF8Scalars {
    /// The length of the UTF-8 sequence introduced by `lead` (1 for stray continuation bytes).
    @inline(__always)
    static func length(lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead < 0xE0 { return lead < 0xC0 ? 1 : 2 }
        if lead < 0xF0 { return 3 }
        return 4
    }

    /// The scalar starting at `index` and its byte length.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (scalar: UInt32, length: Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length = min(Self.length(lead: lead), bytes.count - index)
        switch length {
        case 2:
            return ((UInt32(lead & 0x1F) << 6) | UInt32(bytes[index + 1] & 0x3F), 2)
        case 3:
            return ((UInt32(lead & 0x0F) << 12) | (UInt32(bytes[index + 1] & 0x3F) << 6)
                    | UInt32(bytes[index + 2] & 0x3F), 3)
        case 4:
            return ((UInt32(lead & 0x07) << 18) | (UInt32(bytes[index + 1] & 0x3F) << 12)
                    | (UInt32(bytes[index + 2] & 0x3F) << 6) | UInt32(bytes[index + 3] & 0x3F), 4)
        default:
            return (UInt32(lead), 1)
        }
    }

    /// The scalars of a byte string.
    static func scalars(_ bytes: [UInt8]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(bytes.count)
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                let (scalar, length) = decode(buffer, at: i)
                result.append(scalar)
                i += length
            }
        }
        return result
    }

    static func append(_ scalar: UInt32, to bytes: inout [UInt8]) {
        if let s = Unicode.Scalar(scalar) { UTF8.encode(s) { bytes.append($0) } }
    }

    /// `bytes` with every ill-formed sequence replaced by U+FFFD, as Rust's `String::from_utf8_lossy`.
    static func repaired(_ bytes: [UInt8]) -> [UInt8] {
        if isValid(bytes) { return bytes }
        return Array(String(decoding: bytes, as: UTF8.self).utf8)
    }

    static func isValid(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
