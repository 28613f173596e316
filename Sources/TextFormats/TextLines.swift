/// Line and column numbers of byte offsets in a text, for messages that point into a file (`data.json:12`,
/// `1:30`). Readers keep byte offsets while they parse, which costs nothing; this turns one into a place only
/// when a message needs it.
public struct TextLines: Sendable {
    private let bytes: [UInt8]
    /// Offsets where lines begin, in order; the first is 0.
    private let starts: [Int]
    /// The number of the text's first line (a JSON Lines record is one line of a larger file).
    public let firstLine: Int

    public init(_ bytes: [UInt8], firstLine: Int = 1) {
        self.bytes = bytes
        self.firstLine = firstLine
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == 0x0A { starts.append(offset + 1) }
        self.starts = starts
    }

    /// The line holding the byte at `offset` (an offset past the end counts as the last line).
    public func line(at offset: Int) -> Int {
        firstLine + lineIndex(at: offset)
    }

    /// The 1-based column of the byte at `offset`, counted in Unicode scalars as editors count characters.
    public func column(at offset: Int) -> Int {
        let start = starts[lineIndex(at: offset)]
        let end = min(max(offset, start), bytes.count)
        return 1 + bytes[start..<end].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    private func lineIndex(at offset: Int) -> Int {
        // The last line start at or before `offset`.
        var low = 0, high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
