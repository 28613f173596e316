#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory.
///
/// Tensors are views into the mapping (``MappedBuffer``) that hold a reference to it, so the pages stay mapped
/// for as long as any tensor is alive and nothing is copied: opening a 7B checkpoint costs address space, not
/// memory, until a weight is actually touched.
public final class MappedFile: @unchecked Sendable {
    // @unchecked: the mapping is PROT_READ and never changes after init, so sharing it across threads is safe.

    /// The path the file was opened from (used in error messages).
    public let path: String
    /// The mapped bytes (empty for an empty file).
    public let bytes: UnsafeRawBufferPointer
    /// Whether `bytes` is an mmap (else a heap copy made by ``init(copying:path:)``).
    private let isMapped: Bool

    /// Maps the file at `path`. Throws ``FormatError`` with kind `.missingFile` or `.io`.
    public init(path: String) throws(FormatError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw FormatError(file: path, kind: code == ENOENT ? .missingFile : .io,
                              "cannot open: \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw FormatError(file: path, kind: .io, "cannot stat: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FormatError(file: path, kind: .io, "not a regular file")
        }
        let size = Int(info.st_size)
        isMapped = size > 0
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw FormatError(file: path, kind: .io, "cannot map \(size) bytes: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    /// An in-memory "file" holding a copy of `contents`, named `path` in errors: what fuzzers and tests parse
    /// without touching the disk.
    public init(copying contents: some Collection<UInt8>, path: String) {
        self.path = path
        isMapped = false
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: contents.count, alignment: 64)
        copy.copyBytes(from: contents)
        bytes = UnsafeRawBufferPointer(copy)
    }

    deinit {
        if isMapped, let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else if !isMapped {
            bytes.deallocate()
        }
    }

    /// The file's size in bytes.
    public var count: Int { bytes.count }

    /// The whole file as a buffer that keeps the mapping alive.
    public var buffer: MappedBuffer { MappedBuffer(file: self, bytes: bytes) }

    /// The bytes `range`, or a `.truncated` error naming `place` when the range does not lie inside the file.
    public func slice(_ range: Range<Int>, place: FormatError.Place = .wholeFile) throws(FormatError) -> MappedBuffer {
        try buffer.slice(range, place: place)
    }
}

/// A read-only, bounds-checked view of part of a ``MappedFile`` that keeps the mapping alive.
public struct MappedBuffer: @unchecked Sendable {
    // @unchecked: the bytes belong to an immutable read-only mapping retained by `file`.

    /// The file the bytes belong to.
    public let file: MappedFile
    /// The bytes themselves; valid as long as this value (or any copy of it) exists.
    public let bytes: UnsafeRawBufferPointer

    init(file: MappedFile, bytes: UnsafeRawBufferPointer) {
        self.file = file
        self.bytes = bytes
    }

    public var count: Int { bytes.count }

    /// Where these bytes start in the file.
    public var fileOffset: Int {
        guard let base = bytes.baseAddress, let fileBase = file.bytes.baseAddress else { return 0 }
        return base - fileBase
    }

    /// The sub-range `range` (relative to this buffer), or a `.truncated` error when it does not fit.
    public func slice(_ range: Range<Int>, place: FormatError.Place = .wholeFile) throws(FormatError) -> MappedBuffer {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else {
            throw FormatError(file: file.path, place: place, kind: .truncated,
                              "bytes \(fileOffset + range.lowerBound)..<\(fileOffset + range.upperBound) lie past "
                              + "the end of the file (\(file.count) bytes)")
        }
        return MappedBuffer(file: file, bytes: UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    /// Runs `body` with the raw bytes; the mapping is guaranteed alive for the call.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(file) { () throws(E) -> R in try body(bytes) }
    }
}
