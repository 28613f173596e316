/// A cursor over untrusted little-endian bytes that never reads out of bounds: every read checks the remaining
/// length first and throws a `.truncated` ``FormatError`` naming the byte offset.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    /// The offset of `bytes[0]` in the file, so errors name file positions.
    let baseOffset: Int
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer, path: String, baseOffset: Int = 0) {
        self.bytes = bytes
        self.path = path
        self.baseOffset = baseOffset
    }

    var remaining: Int { bytes.count - offset }
    var fileOffset: Int { baseOffset + offset }

    func error(_ kind: FormatError.Kind, _ message: String, at position: Int? = nil) -> FormatError {
        FormatError(file: path, place: .byteOffset(baseOffset + (position ?? offset)), kind: kind, message)
    }

    mutating func require(_ count: Int, for what: @autoclosure () -> String) throws(FormatError) {
        guard count >= 0, count <= remaining else {
            throw error(.truncated, "\(what()) needs \(count) bytes but only \(remaining) remain")
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(FormatError) -> T {
        try require(MemoryLayout<T>.size, for: what())
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }

    mutating func readBytes(_ count: Int, _ what: @autoclosure () -> String) throws(FormatError) -> UnsafeRawBufferPointer {
        try require(count, for: what())
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        offset += count
        return slice
    }

    mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws(FormatError) {
        try require(count, for: what())
        offset += count
    }

    mutating func seek(to newOffset: Int) throws(FormatError) {
        guard newOffset >= 0, newOffset <= bytes.count else {
            throw error(.truncated, "offset \(baseOffset + newOffset) lies past the end of the data")
        }
        offset = newOffset
    }
}
