import Foundation
import Kernels

/// One tensor of a GGUF file: its name, ggml type, shape and its bytes in the mapped file.
public struct GGUFTensorInfo: Sendable {
    public let name: String
    public let type: GGMLType
    /// The shape as ggml lists it: fastest-varying dimension FIRST (`ne[0]` = row length). PyTorch order is
    /// the reverse (``shape``).
    public let dimensions: [Int]
    /// Offset of the data from the start of the file's data section.
    public let offset: Int
    /// The tensor's bytes, a zero-copy view into the mapping.
    public let data: MappedBuffer

    /// The shape in PyTorch order (slowest first): `[rows, cols]` for a matrix.
    public var shape: [Int] { dimensions.reversed() }
    /// Elements in the tensor (validated not to overflow when the file was read).
    public var elementCount: Int { dimensions.reduce(1, *) }
    public var byteCount: Int { data.count }
}

/// A GGUF (v2 or v3) file opened by memory-mapping it: header, metadata, tensor infos and a zero-copy view of
/// each tensor's data.
///
/// Everything declared by the file is validated before it is believed: counts and lengths against the bytes
/// that remain, tensor shapes against overflow and block sizes, tensor data against the end of the file and
/// against each other. Nothing is allocated from an unchecked count. Problems throw ``FormatError``.
public struct GGUFFile: Sendable {
    /// The format version (2 or 3).
    public let version: UInt32
    public let metadata: GGUFMetadata
    /// Tensors in file order.
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment` (default 32): tensor data offsets are multiples of it.
    public let alignment: Int
    /// Where the data section starts in the file.
    public let dataOffset: Int
    /// The mapping everything here points into.
    public let file: MappedFile

    private let tensorIndex: [String: Int]

    /// Maps and parses the GGUF file at `url`.
    public init(contentsOf url: URL) throws(FormatError) {
        try self.init(mapping: MappedFile(path: url.path))
    }

    /// Parses an already-mapped file.
    public init(mapping file: MappedFile) throws(FormatError) {
        let parsed = try GGUFParser.parse(file)
        self.file = file
        version = parsed.version
        metadata = parsed.metadata
        tensors = parsed.tensors
        alignment = parsed.alignment
        dataOffset = parsed.dataOffset
        tensorIndex = Dictionary(parsed.tensors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The tensor called `name` (GGUF naming, e.g. `blk.0.attn_q.weight`).
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// `general.architecture`, e.g. `llama`.
    public var architecture: String? { metadata.string("general.architecture") }
}

/// The GGUF grammar, read defensively.
enum GGUFParser {
    struct Parsed {
        var version: UInt32
        var metadata: GGUFMetadata
        var tensors: [GGUFTensorInfo]
        var alignment: Int
        var dataOffset: Int
    }

    static let magic: [UInt8] = Array("GGUF".utf8)
    static let maxDimensions = 4  // GGML_MAX_DIMS
    static let maxArrayDepth = 8  // nested arrays are legal but never deep; bound the recursion

    static func parse(_ file: MappedFile) throws(FormatError) -> Parsed {
        let path = file.path
        var reader = ByteReader(file.bytes, path: path)

        guard file.count >= 4 else {
            throw FormatError(file: path, place: .byteOffset(0), kind: .truncated, "file is \(file.count) bytes, too short for a GGUF header")
        }
        let head = Array(file.bytes[0..<4])
        guard head == magic else {
            let legacy = ["lmgg", "fmgg", "tjgg"].contains(String(decoding: head, as: UTF8.self))
            throw FormatError(file: path, place: .byteOffset(0), kind: legacy ? .unsupported : .badMagic,
                              legacy ? "pre-GGUF ggml/ggjt file; convert it to GGUF" : "not a GGUF file (magic \(hex(head)))")
        }
        try reader.skip(4, "magic")
        let version = try reader.read(UInt32.self, "version")
        guard version == 2 || version == 3 else {
            let hint = version.byteSwapped == 2 || version.byteSwapped == 3 ? " (a big-endian GGUF)" : ""
            throw reader.error(.unsupported, "GGUF version \(version)\(hint) is not supported (2 and 3 are)", at: 4)
        }
        let tensorCount = try reader.read(UInt64.self, "tensor count")
        let kvCount = try reader.read(UInt64.self, "metadata count")
        // A metadata entry needs ≥ 8 (key length) + 4 (type) + 1 bytes; a tensor info ≥ 8 + 4 + 4 + 8.
        guard kvCount <= UInt64(reader.remaining / 13) else {
            throw reader.error(.inconsistent, "metadata count \(kvCount) cannot fit in the \(reader.remaining) bytes left", at: 16)
        }
        guard tensorCount <= UInt64(reader.remaining / 24) else {
            throw reader.error(.inconsistent, "tensor count \(tensorCount) cannot fit in the \(reader.remaining) bytes left", at: 8)
        }

        var metadata = GGUFMetadata()
        let whole = file.buffer
        for _ in 0..<Int(kvCount) {
            let keyOffset = reader.fileOffset
            let key = try readString(&reader, "metadata key")
            let rawType = try reader.read(UInt32.self, "type of \(key)")
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw FormatError(file: path, place: .within(.byteOffset(reader.fileOffset - 4), .key(key)),
                                  kind: .unsupported, "unknown metadata value type \(rawType)")
            }
            let value: GGUFValue
            do {
                value = try readValue(of: type, from: &reader, in: whole, depth: 0)
            } catch {
                throw FormatError(file: path, place: .within(error.place, .key(key)), kind: error.kind, error.message)
            }
            guard metadata.append(key: key, value: value) else {
                throw FormatError(file: path, place: .within(.byteOffset(keyOffset), .key(key)), kind: .inconsistent, "duplicate metadata key")
            }
        }

        var alignment = 32
        if let value = metadata["general.alignment"] {
            guard case .uint32(let a) = value, a > 0, a.nonzeroBitCount == 1 else {
                throw FormatError(file: path, place: .key("general.alignment"), kind: .inconsistent,
                                  "alignment must be a power-of-two u32, found \(value)")
            }
            alignment = Int(a)
        }

        struct RawTensor { var name: String; var type: GGMLType; var dims: [Int]; var offset: Int; var bytes: Int; var at: Int }
        var raw: [RawTensor] = []
        raw.reserveCapacity(Int(tensorCount))  // checked against the file size above
        var names = Set<String>()
        for _ in 0..<Int(tensorCount) {
            let at = reader.fileOffset
            let name = try readString(&reader, "tensor name")
            let place = FormatError.Place.within(.byteOffset(at), .tensor(name))
            func fail(_ kind: FormatError.Kind, _ message: String) -> FormatError {
                FormatError(file: path, place: place, kind: kind, message)
            }
            guard names.insert(name).inserted else { throw fail(.inconsistent, "duplicate tensor name") }
            let nDims = try reader.read(UInt32.self, "dimension count of \(name)")
            guard nDims >= 1, nDims <= maxDimensions else { throw fail(.inconsistent, "\(nDims) dimensions (1...\(maxDimensions) allowed)") }
            var dims: [Int] = []
            var elements = 1
            for _ in 0..<Int(nDims) {
                let d = try reader.read(UInt64.self, "dimension of \(name)")
                guard let dim = Int(exactly: d) else { throw fail(.inconsistent, "dimension \(d) is too large") }
                let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw fail(.inconsistent, "shape \(dims + [dim]) has too many elements") }
                dims.append(dim)
                elements = product
            }
            let rawType = try reader.read(UInt32.self, "type of \(name)")
            guard let type = GGMLType(rawValue: rawType) else { throw fail(.unsupported, "unknown ggml tensor type \(rawType)") }
            let offset = try reader.read(UInt64.self, "data offset of \(name)")
            guard dims[0] % type.blockElements == 0, let bytes = type.byteCount(elements: elements) else {
                throw fail(.inconsistent, "row length \(dims[0]) is not a multiple of the \(type) block size \(type.blockElements)")
            }
            guard let start = Int(exactly: offset), start % alignment == 0 else {
                throw fail(.inconsistent, "data offset \(offset) is not a multiple of the alignment \(alignment)")
            }
            raw.append(RawTensor(name: name, type: type, dims: dims, offset: start, bytes: bytes, at: at))
        }

        let infoEnd = reader.fileOffset
        let dataOffset = (infoEnd + alignment - 1) / alignment * alignment
        let dataSize = file.count - dataOffset  // may be negative for a vocab-only file without padding

        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(raw.count)
        for t in raw {
            let place = FormatError.Place.within(.byteOffset(t.at), .tensor(t.name))
            let (end, overflow) = t.offset.addingReportingOverflow(t.bytes)
            guard !overflow, end <= dataSize else {
                throw FormatError(file: path, place: place, kind: .truncated,
                                  "data \(t.offset)..<\(overflow ? Int.max : end) (+\(dataOffset)) ends past the end of the file (\(file.count) bytes)")
            }
            let data = try file.slice((dataOffset + t.offset)..<(dataOffset + end), place: place)
            tensors.append(GGUFTensorInfo(name: t.name, type: t.type, dimensions: t.dims, offset: t.offset, data: data))
        }
        // Tensors may be listed in any order, but their bytes must not share storage.
        let byOffset = tensors.sorted { $0.offset < $1.offset }
        for (previous, next) in zip(byOffset, byOffset.dropFirst()) where previous.offset + previous.byteCount > next.offset {
            throw FormatError(file: path, place: .tensor(next.name), kind: .inconsistent,
                              "data overlaps tensor \"\(previous.name)\"")
        }
        return Parsed(version: version, metadata: metadata, tensors: tensors, alignment: alignment, dataOffset: dataOffset)
    }

    static func readString(_ reader: inout ByteReader, _ what: String) throws(FormatError) -> String {
        let length = try reader.read(UInt64.self, "length of \(what)")
        guard let n = Int(exactly: length), n <= reader.remaining else {
            throw reader.error(.truncated, "\(what) of \(length) bytes runs past the end of the file", at: reader.offset - 8)
        }
        return String(decoding: try reader.readBytes(n, what), as: UTF8.self)
    }

    /// Reads one value; arrays are walked (validated) but kept encoded as a view of `mapping`.
    static func readValue(of type: GGUFValueType, from reader: inout ByteReader, in mapping: MappedBuffer,
                          depth: Int) throws(FormatError) -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try reader.read(UInt8.self, "u8"))
        case .int8: return .int8(try reader.read(Int8.self, "i8"))
        case .uint16: return .uint16(try reader.read(UInt16.self, "u16"))
        case .int16: return .int16(try reader.read(Int16.self, "i16"))
        case .uint32: return .uint32(try reader.read(UInt32.self, "u32"))
        case .int32: return .int32(try reader.read(Int32.self, "i32"))
        case .uint64: return .uint64(try reader.read(UInt64.self, "u64"))
        case .int64: return .int64(try reader.read(Int64.self, "i64"))
        case .float32: return .float32(Float(bitPattern: try reader.read(UInt32.self, "f32")))
        case .float64: return .float64(Double(bitPattern: try reader.read(UInt64.self, "f64")))
        case .bool:
            let at = reader.offset
            let byte = try reader.read(UInt8.self, "bool")
            guard byte <= 1 else { throw reader.error(.inconsistent, "bool byte is \(byte), not 0 or 1", at: at) }
            return .bool(byte == 1)
        case .string: return .string(try readString(&reader, "string"))
        case .array:
            let at = reader.offset
            let rawElementType = try reader.read(UInt32.self, "array element type")
            guard let elementType = GGUFValueType(rawValue: rawElementType) else {
                throw reader.error(.unsupported, "unknown array element type \(rawElementType)", at: at)
            }
            guard depth < maxArrayDepth else { throw reader.error(.unsupported, "arrays nested deeper than \(maxArrayDepth)", at: at) }
            let count = try reader.read(UInt64.self, "array length")
            guard count <= UInt64(reader.remaining / elementType.minimumSize) else {
                throw reader.error(.truncated, "array of \(count) \(elementType) values cannot fit in the \(reader.remaining) bytes left", at: at)
            }
            let start = reader.offset
            if let width = elementType.fixedSize {
                try reader.skip(Int(count) * width, "array elements")
            } else {
                for _ in 0..<Int(count) {
                    _ = try walkValue(of: elementType, from: &reader, in: mapping, depth: depth + 1)
                }
            }
            let storage = try mapping.slice((reader.baseOffset + start - mapping.fileOffset)..<(reader.baseOffset + reader.offset - mapping.fileOffset))
            return .array(GGUFArray(elementType: elementType, count: Int(count), storage: storage))
        }
    }

    /// Skips one value, validating it, without building a String for string elements.
    private static func walkValue(of type: GGUFValueType, from reader: inout ByteReader, in mapping: MappedBuffer,
                                  depth: Int) throws(FormatError) {
        if type == .string {
            let length = try reader.read(UInt64.self, "string length")
            guard let n = Int(exactly: length), n <= reader.remaining else {
                throw reader.error(.truncated, "string of \(length) bytes runs past the end of the file", at: reader.offset - 8)
            }
            try reader.skip(n, "string")
        } else {
            _ = try readValue(of: type, from: &reader, in: mapping, depth: depth)
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
