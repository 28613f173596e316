/// GPT-2's reversible map from bytes to printable characters: printable Latin-1 bytes stand for themselves,
/// the other 68 bytes are shifted to U+0100 and up (so " " becomes "Ġ" and "\n" becomes "Ċ").
enum ByteLevel {
    /// The UTF-8 encoding of the character standing for each byte.
    static let encodedByte: [[UInt8]] = {
        var scalars = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                scalars[byte] = UInt32(byte)
            } else {
                scalars[byte] = next
                next += 1
            }
        }
        return scalars.map { scalar in
            var bytes: [UInt8] = []
            UTF8Scalars.append(scalar, to: &bytes)
            return bytes
        }
    }()

    /// The byte each mapped character stands for, indexed by scalar value (< 324).
    static let decodedScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)
        for (byte, encoded) in encodedByte.enumerated() {
            let scalar = UTF8Scalars.scalars(encoded)[0]
            table[Int(scalar)] = Int16(byte)
        }
        return table
    }()

    static func encode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes { out.append(contentsOf: encodedByte[Int(byte)]) }
        return out
    }

    /// The bytes a byte-level token stands for, or `nil` if it holds a character outside the map (HF then
    /// keeps the token's own UTF-8).
    static func decode(_ token: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.count)
        for scalar in UTF8Scalars.scalars(token) {
            guard scalar < 324 else { return nil }
            let byte = decodedScalar[Int(scalar)]
            guard byte >= 0 else { return nil }
            out.append(UInt8(byte))
        }
        return out
    }
}
