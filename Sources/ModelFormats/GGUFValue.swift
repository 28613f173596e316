/// The value types a GGUF metadata entry can hold (`enum gguf_type`).
public enum GGUFValueType: UInt32, Sendable, CustomStringConvertible {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes of one value of a fixed-size type; nil for strings and arrays.
    var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    /// The fewest bytes one value can occupy (a string is at least its 8-byte length; an array at least its
    /// 4-byte element type and 8-byte count). Used to reject counts the file cannot possibly hold.
    var minimumSize: Int { fixedSize ?? (self == .string ? 8 : 12) }

    public var description: String {
        switch self {
        case .uint8: "u8"
        case .int8: "i8"
        case .uint16: "u16"
        case .int16: "i16"
        case .uint32: "u32"
        case .int32: "i32"
        case .float32: "f32"
        case .bool: "bool"
        case .string: "string"
        case .array: "array"
        case .uint64: "u64"
        case .int64: "i64"
        case .float64: "f64"
        }
    }
}

/// One GGUF metadata value. Arrays stay undecoded views into the file until asked for (see ``GGUFArray``),
/// so opening a file with a 150k-token vocabulary costs a scan, not 150k strings.
public enum GGUFValue: Sendable, CustomStringConvertible {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool)
    case string(String)
    case array(GGUFArray)

    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }

    /// The value as an `Int` if it is an integer of any width that fits.
    public var int: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        default: nil
        }
    }

    /// The value as a `Double` if it is a number (integers convert exactly up to 2^53).
    public var double: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: int.map(Double.init)
        }
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var array: GGUFArray? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var description: String {
        switch self {
        case .uint8(let v): "\(v)"
        case .int8(let v): "\(v)"
        case .uint16(let v): "\(v)"
        case .int16(let v): "\(v)"
        case .uint32(let v): "\(v)"
        case .int32(let v): "\(v)"
        case .uint64(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .float32(let v): "\(v)"
        case .float64(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .string(let s): "\"\(s)\""
        case .array(let a): "[\(a.elementType) × \(a.count)]"
        }
    }
}

/// A GGUF metadata array: its element type, its length, and its still-encoded bytes in the mapped file.
///
/// The reader has already walked every element (so the bytes are known to be well formed and inside the file);
/// the accessors decode on demand and return nil when the elements are of another type.
public struct GGUFArray: Sendable {
    public let elementType: GGUFValueType
    public let count: Int
    /// The encoded elements (not including the array's own type and count).
    let storage: MappedBuffer

    init(elementType: GGUFValueType, count: Int, storage: MappedBuffer) {
        self.elementType = elementType
        self.count = count
        self.storage = storage
    }

    /// The elements as strings (e.g. `tokenizer.ggml.tokens`, `tokenizer.ggml.merges`); nil unless this is an
    /// array of strings. Invalid UTF-8 is repaired with U+FFFD (see ``stringBytes()`` for the raw bytes).
    public func strings() -> [String]? {
        stringBytes()?.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The elements of a string array as raw byte arrays, exactly as stored.
    public func stringBytes() -> [[UInt8]]? {
        guard elementType == .string else { return nil }
        return storage.withUnsafeBytes { raw in
            var reader = ByteReader(raw, path: storage.file.path, baseOffset: storage.fileOffset)
            var result: [[UInt8]] = []
            result.reserveCapacity(count)  // safe: count was checked against the file size when parsed
            for _ in 0..<count {
                guard let length = try? reader.read(UInt64.self, "string length"), let n = Int(exactly: length),
                      let bytes = try? reader.readBytes(n, "string") else { return nil }
                result.append(Array(bytes))
            }
            return result
        }
    }

    /// The elements as `Int`s if they are integers of any width (e.g. `tokenizer.ggml.token_type`).
    public func integers() -> [Int]? {
        guard let width = elementType.fixedSize, elementType != .float32, elementType != .float64,
              elementType != .bool else { return nil }
        return storage.withUnsafeBytes { raw in
            (0..<count).compactMap { i -> Int? in
                let at = i * width
                switch elementType {
                case .uint8: return Int(raw.load(fromByteOffset: at, as: UInt8.self))
                case .int8: return Int(raw.load(fromByteOffset: at, as: Int8.self))
                case .uint16: return Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
                case .int16: return Int(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int16.self)))
                case .uint32: return Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                case .int32: return Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
                case .uint64: return Int(exactly: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
                case .int64: return Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self)))
                default: return nil
                }
            }
        }
    }

    /// The elements as `Float`s if they are float32 (e.g. `tokenizer.ggml.scores`) or float64.
    public func floats() -> [Float]? {
        switch elementType {
        case .float32:
            return storage.withUnsafeBytes { raw in
                (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
        case .float64:
            return storage.withUnsafeBytes { raw in
                (0..<count).map { Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))) }
            }
        default:
            return nil
        }
    }

    /// Every element decoded as a ``GGUFValue`` (nested arrays stay lazy).
    public func values() -> [GGUFValue] {
        storage.withUnsafeBytes { raw in
            var reader = ByteReader(raw, path: storage.file.path, baseOffset: storage.fileOffset)
            var result: [GGUFValue] = []
            for _ in 0..<count {
                guard let value = try? GGUFParser.readValue(of: elementType, from: &reader, in: storage, depth: 1) else { break }
                result.append(value)
            }
            return result
        }
    }
}

/// GGUF metadata in file order, with lookup by key.
public struct GGUFMetadata: Sendable, Sequence {
    public typealias Element = (key: String, value: GGUFValue)

    /// The entries in the order the file lists them.
    public private(set) var entries: [Element] = []
    private var index: [String: Int] = [:]

    init() {}

    /// Adds an entry; returns false (and changes nothing) when the key is already present.
    mutating func append(key: String, value: GGUFValue) -> Bool {
        guard index[key] == nil else { return false }
        index[key] = entries.count
        entries.append((key, value))
        return true
    }

    public var count: Int { entries.count }
    public var keys: [String] { entries.map(\.key) }
    public func makeIterator() -> IndexingIterator<[Element]> { entries.makeIterator() }

    public subscript(key: String) -> GGUFValue? {
        index[key].map { entries[$0].value }
    }

    public func string(_ key: String) -> String? { self[key]?.string }
    public func int(_ key: String) -> Int? { self[key]?.int }
    public func double(_ key: String) -> Double? { self[key]?.double }
    public func bool(_ key: String) -> Bool? { self[key]?.bool }
    public func array(_ key: String) -> GGUFArray? { self[key]?.array }
    /// A string array entry decoded (e.g. `tokenizer.ggml.tokens`).
    public func strings(_ key: String) -> [String]? { array(key)?.strings() }
    /// An integer array entry decoded (e.g. `tokenizer.ggml.token_type`).
    public func integers(_ key: String) -> [Int]? { array(key)?.integers() }
    /// A float array entry decoded (e.g. `tokenizer.ggml.scores`).
    public func floats(_ key: String) -> [Float]? { array(key)?.floats() }
}
