/// Why a matrix cannot be used as a weight.
public enum KernelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kernels have no matmul for this storage type.
    case unsupportedType(GGMLType)
    /// A row is not a whole number of the type's blocks (ggml requires it; so do the kernels).
    case partialBlock(type: GGMLType, columns: Int)
    /// The buffer holds fewer bytes than rows × row size.
    case truncated(needed: Int, available: Int)

    public var description: String {
        switch self {
        case .unsupportedType(let type): "no matmul kernel for \(type) weights"
        case .partialBlock(let type, let columns):
            "rows of \(columns) values are not a whole number of \(type) blocks of \(type.blockElements)"
        case .truncated(let needed, let available): "weight data holds \(available) bytes, \(needed) needed"
        }
    }
}

/// A weight matrix used in place, in its storage type: `rows` output features × `columns` input features,
/// row-major (PyTorch's `[out, in]`, which is also GGUF's memory order), rows `rowStride` bytes apart.
///
/// `owner` keeps whatever holds the bytes (a memory map, a buffer quantised on load) alive.
public struct WeightMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    public let rowStride: Int
    public let base: UnsafeRawPointer
    public let owner: AnyObject?

    /// The storage types the matmul kernels multiply directly.
    public static let supportedTypes: Set<GGMLType> = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q4_K, .q6_K]

    /// Views `bytes` as a `rows` × `columns` matrix of `type`, checking the type and the size.
    public init(type: GGMLType, rows: Int, columns: Int, bytes: UnsafeRawBufferPointer,
                owner: AnyObject?) throws(KernelError) {
        guard Self.supportedTypes.contains(type) else { throw .unsupportedType(type) }
        guard rows >= 0, columns > 0, let rowBytes = type.byteCount(elements: columns) else {
            throw .partialBlock(type: type, columns: columns)
        }
        let (needed, overflow) = rowBytes.multipliedReportingOverflow(by: rows)
        guard !overflow, bytes.count >= needed, let base = bytes.baseAddress ?? (needed == 0 ? UnsafeRawPointer(bitPattern: 64) : nil)
        else { throw .truncated(needed: needed, available: bytes.count) }
        self.type = type
        self.rows = rows
        self.columns = columns
        self.rowStride = rowBytes
        self.base = base
        self.owner = owner
    }

    /// A view the kernels build internally over memory they own (no checks).
    init(unchecked type: GGMLType, rows: Int, columns: Int, rowStride: Int, base: UnsafeRawPointer) {
        self.type = type
        self.rows = rows
        self.columns = columns
        self.rowStride = rowStride
        self.base = base
        self.owner = nil
    }

    /// The bytes of row `index`.
    @inline(__always)
    public func row(_ index: Int) -> UnsafeRawPointer { base + index * rowStride }

    /// Bytes the matrix occupies.
    public var byteCount: Int { rows * rowStride }

    /// Row `index` as floats (the reference dequantisation; used for embedding lookups).
    public func dequantizeRow(_ index: Int, into out: UnsafeMutablePointer<Float>) {
        let source = UnsafeRawBufferPointer(start: row(index), count: rowStride)
        try? dequantize(source, as: type, count: columns, into: UnsafeMutableBufferPointer(start: out, count: columns))
    }
}
