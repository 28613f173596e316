/// The central directory of a zip archive in a mapped file: just enough zip (incl. Zip64, which multi-GB
/// PyTorch shards need) to find each member and, for stored members, its bytes without copying.
///
/// Every header field is checked against the file before it is used; counts are bounded by the bytes that
/// could hold them.
struct ZipArchive {
    struct Entry {
        let name: String
        /// 0 = stored, 8 = deflated, …
        let method: UInt16
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
        let flags: UInt16
    }

    let file: MappedFile
    let entries: [Entry]
    private let index: [String: Int]

    static let endOfCentralDirectory: UInt32 = 0x0605_4b50
    static let zip64EndOfCentralDirectory: UInt32 = 0x0606_4b50
    static let zip64Locator: UInt32 = 0x0706_4b50
    static let centralHeader: UInt32 = 0x0201_4b50
    static let localHeader: UInt32 = 0x0403_4b50

    /// Whether the file starts like a zip archive (a local header or an empty archive's end record).
    static func looksLikeZip(_ file: MappedFile) -> Bool {
        guard file.count >= 4 else { return false }
        let magic = UInt32(littleEndian: file.bytes.loadUnaligned(as: UInt32.self))
        return magic == localHeader || magic == endOfCentralDirectory
    }

    init(_ file: MappedFile) throws(FormatError) {
        self.file = file
        let path = file.path
        let bytes = file.bytes
        func fail(_ kind: FormatError.Kind, _ at: Int, _ message: String) -> FormatError {
            FormatError(file: path, place: .byteOffset(at), kind: kind, message)
        }

        // The end record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
        guard bytes.count >= 22 else { throw fail(.truncated, 0, "too short for a zip archive") }
        var eocd = -1
        var at = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65535)
        while at >= lowest {
            if UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) == Self.endOfCentralDirectory {
                eocd = at
                break
            }
            at -= 1
        }
        guard eocd >= 0 else { throw fail(.badMagic, bytes.count, "no zip end-of-central-directory record") }
        var reader = ByteReader(bytes, path: path)
        try reader.seek(to: eocd + 10)
        var entryCount = Int(try reader.read(UInt16.self, "zip entry count"))
        var directorySize = Int(try reader.read(UInt32.self, "zip central directory size"))
        var directoryOffset = Int(try reader.read(UInt32.self, "zip central directory offset"))

        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // Zip64: a locator just before the end record points at the 64-bit end record.
            let locator = eocd - 20
            guard locator >= 0 else { throw fail(.truncated, eocd, "Zip64 locator missing") }
            try reader.seek(to: locator)
            guard try reader.read(UInt32.self, "Zip64 locator") == Self.zip64Locator else {
                throw fail(.inconsistent, locator, "Zip64 sizes without a Zip64 locator")
            }
            try reader.skip(4, "Zip64 disk")
            let recordOffset = try reader.read(UInt64.self, "Zip64 record offset")
            guard let record = Int(exactly: recordOffset), record <= locator - 56 else {
                throw fail(.inconsistent, locator, "Zip64 record offset \(recordOffset) lies outside the file")
            }
            try reader.seek(to: record)
            guard try reader.read(UInt32.self, "Zip64 record") == Self.zip64EndOfCentralDirectory else {
                throw fail(.inconsistent, record, "no Zip64 end record where the locator points")
            }
            try reader.seek(to: record + 32)
            let count64 = try reader.read(UInt64.self, "Zip64 entry count")
            let size64 = try reader.read(UInt64.self, "Zip64 directory size")
            let offset64 = try reader.read(UInt64.self, "Zip64 directory offset")
            guard let c = Int(exactly: count64), let s = Int(exactly: size64), let o = Int(exactly: offset64) else {
                throw fail(.inconsistent, record, "Zip64 sizes out of range")
            }
            (entryCount, directorySize, directoryOffset) = (c, s, o)
        }
        let (directoryEnd, overflow) = directoryOffset.addingReportingOverflow(directorySize)
        guard !overflow, directoryEnd <= bytes.count else {
            throw fail(.truncated, eocd, "central directory \(directoryOffset)+\(directorySize) runs past the end of the file")
        }
        guard entryCount <= directorySize / 46 else {
            throw fail(.inconsistent, eocd, "\(entryCount) entries cannot fit in a \(directorySize)-byte central directory")
        }

        var entries: [Entry] = []
        entries.reserveCapacity(entryCount)
        var index: [String: Int] = [:]
        try reader.seek(to: directoryOffset)
        for _ in 0..<entryCount {
            let start = reader.offset
            guard try reader.read(UInt32.self, "central directory header") == Self.centralHeader else {
                throw fail(.inconsistent, start, "bad central directory header signature")
            }
            try reader.skip(4, "versions")
            let flags = try reader.read(UInt16.self, "flags")
            let method = try reader.read(UInt16.self, "compression method")
            try reader.skip(8, "time, date, crc")
            var compressed = UInt64(try reader.read(UInt32.self, "compressed size"))
            var uncompressed = UInt64(try reader.read(UInt32.self, "uncompressed size"))
            let nameLength = Int(try reader.read(UInt16.self, "name length"))
            let extraLength = Int(try reader.read(UInt16.self, "extra length"))
            let commentLength = Int(try reader.read(UInt16.self, "comment length"))
            try reader.skip(8, "disk, attributes")
            var localOffset = UInt64(try reader.read(UInt32.self, "local header offset"))
            let name = String(decoding: try reader.readBytes(nameLength, "entry name"), as: UTF8.self)
            let extraStart = reader.offset
            try reader.skip(extraLength, "extra field")
            try reader.skip(commentLength, "comment")

            // Zip64 extended information replaces whichever 32-bit fields are saturated, in this order.
            var extra = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[extraStart..<(extraStart + extraLength)]),
                                   path: path, baseOffset: extraStart)
            while extra.remaining >= 4 {
                let id = try extra.read(UInt16.self, "extra id")
                let size = Int(try extra.read(UInt16.self, "extra size"))
                var field = ByteReader(try extra.readBytes(size, "extra data"), path: path, baseOffset: extra.fileOffset - size)
                guard id == 0x0001 else { continue }
                if uncompressed == 0xFFFF_FFFF { uncompressed = try field.read(UInt64.self, "Zip64 uncompressed size") }
                if compressed == 0xFFFF_FFFF { compressed = try field.read(UInt64.self, "Zip64 compressed size") }
                if localOffset == 0xFFFF_FFFF { localOffset = try field.read(UInt64.self, "Zip64 local offset") }
            }
            guard let c = Int(exactly: compressed), let u = Int(exactly: uncompressed), let l = Int(exactly: localOffset),
                  l < bytes.count else {
                throw FormatError(file: path, place: .within(.byteOffset(start), .entry(name)), kind: .inconsistent,
                                  "sizes or offset out of range")
            }
            if index[name] == nil { index[name] = entries.count }
            entries.append(Entry(name: name, method: method, compressedSize: c, uncompressedSize: u, localHeaderOffset: l, flags: flags))
        }
        self.entries = entries
        self.index = index
    }

    func entry(named name: String) -> Entry? {
        index[name].map { entries[$0] }
    }

    /// The bytes of a stored (uncompressed, unencrypted) member, as a view into the mapping.
    func storedData(of entry: Entry) throws(FormatError) -> MappedBuffer {
        let place = FormatError.Place.entry(entry.name)
        guard entry.flags & 1 == 0 else {
            throw FormatError(file: file.path, place: place, kind: .unsupported, "encrypted zip member")
        }
        guard entry.method == 0 else {
            throw FormatError(file: file.path, place: place, kind: .unsupported,
                              "compressed zip member (method \(entry.method)); torch.save stores members uncompressed")
        }
        guard entry.compressedSize == entry.uncompressedSize else {
            throw FormatError(file: file.path, place: place, kind: .inconsistent, "stored member with differing sizes")
        }
        var reader = ByteReader(file.bytes, path: file.path)
        try reader.seek(to: entry.localHeaderOffset)
        guard try reader.read(UInt32.self, "local header of \(entry.name)") == Self.localHeader else {
            throw FormatError(file: file.path, place: .within(.byteOffset(entry.localHeaderOffset), place), kind: .inconsistent,
                              "bad local header signature")
        }
        try reader.skip(22, "local header")
        let nameLength = Int(try reader.read(UInt16.self, "local name length"))
        let extraLength = Int(try reader.read(UInt16.self, "local extra length"))
        try reader.skip(nameLength + extraLength, "local name and extra")
        let start = reader.offset
        guard entry.uncompressedSize <= file.count - start else {
            throw FormatError(file: file.path, place: .within(.byteOffset(start), place), kind: .truncated,
                              "member of \(entry.uncompressedSize) bytes runs past the end of the file")
        }
        return try file.slice(start..<(start + entry.uncompressedSize), place: .within(.byteOffset(start), place))
    }
}
