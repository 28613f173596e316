import Foundation

/// A `.safetensors` file opened by memory-mapping it: its header validated and each tensor a zero-copy view.
///
/// Layout: an 8-byte little-endian header length N, N bytes of JSON
/// (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}`), then the
/// data, with offsets relative to its start. Validated: the header length against the file and a sane limit,
/// the JSON, each dtype, shape × dtype size = byte length, every range inside the file, and no two tensors
/// sharing bytes.
public struct SafetensorsFile: Sendable {
    /// The `__metadata__` string map (e.g. `{"format": "pt"}`).
    public let metadata: [String: String]
    /// Tensors ordered by their position in the file.
    public let tensors: [TensorView]
    /// The mapped file.
    public let file: MappedFile

    /// The safetensors crate's own ceiling on the JSON header.
    public static let maximumHeaderBytes = 100_000_000

    /// Maps and validates the file at `url`.
    public init(contentsOf url: URL) throws(FormatError) {
        try self.init(mapping: MappedFile(path: url.path))
    }

    /// Validates an already-mapped file (or an in-memory one: ``MappedFile/init(copying:path:)``).
    public init(mapping file: MappedFile) throws(FormatError) {
        self.file = file
        let path = file.path
        var reader = ByteReader(file.bytes, path: path)
        let declared = try reader.read(UInt64.self, "safetensors header length")
        guard declared <= UInt64(Self.maximumHeaderBytes) else {
            throw FormatError(file: path, place: .byteOffset(0), kind: .inconsistent,
                              "header length \(declared) exceeds the \(Self.maximumHeaderBytes)-byte limit")
        }
        let headerLength = Int(declared)
        guard headerLength <= reader.remaining else {
            throw FormatError(file: path, place: .byteOffset(0), kind: .truncated,
                              "header of \(headerLength) bytes runs past the end of the file (\(file.count) bytes)")
        }
        let headerBytes = try reader.readBytes(headerLength, "header")
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw FormatError(file: path, place: .byteOffset(8), kind: .badMagic, "header does not start with '{': not a safetensors file")
        }
        let header = try CheckpointJSON.members(headerBytes, file: path, headerOffset: 8)
        let dataStart = 8 + headerLength
        let dataSize = file.count - dataStart

        var metadata: [String: String] = [:]
        var tensors: [TensorView] = []
        var ranges: [(range: Range<Int>, name: String)] = []
        for member in header {
            let (name, value) = (member.key, member.value)
            if name == "__metadata__" {
                guard let map = CheckpointJSON.lastOfEachKey(value) else {
                    throw FormatError(file: path, place: .key(name), kind: .malformedJSON, "__metadata__ must be an object of strings")
                }
                for item in map {
                    let key = item.key
                    guard let string = item.value.string else {
                        throw FormatError(file: path, place: .key("__metadata__.\(key)"), kind: .malformedJSON, "metadata values must be strings")
                    }
                    metadata[key] = string
                }
                continue
            }
            let place = FormatError.Place.tensor(name)
            func fail(_ kind: FormatError.Kind, _ message: String) -> FormatError {
                FormatError(file: path, place: place, kind: kind, message)
            }
            guard let entry = value.object else { throw fail(.malformedJSON, "entry is not an object") }
            guard let dtypeName = entry["dtype"]?.string else { throw fail(.malformedJSON, "missing \"dtype\"") }
            guard let type = TensorType(safetensorsName: dtypeName) else { throw fail(.unsupported, "unknown dtype \"\(dtypeName)\"") }
            guard let rawShape = entry["shape"]?.array else { throw fail(.malformedJSON, "missing \"shape\"") }
            let shape = rawShape.map(CheckpointJSON.integer)
            guard shape.count <= 8, !shape.contains(where: { $0 == nil }) else {
                throw fail(.malformedJSON, "shape \(rawShape) is not a list of at most 8 integers")
            }
            let dims = shape.compactMap { $0 }
            guard let elements = checkedElementCount(dims), let bytes = type.byteCount(elements: elements) else {
                throw fail(.inconsistent, "impossible shape \(dims)")
            }
            guard let offsets = entry["data_offsets"]?.array, offsets.count == 2,
                  let begin = CheckpointJSON.integer(offsets[0]), let end = CheckpointJSON.integer(offsets[1]) else {
                throw fail(.malformedJSON, "\"data_offsets\" must be two integers")
            }
            guard 0 <= begin, begin <= end else { throw fail(.inconsistent, "data_offsets [\(begin), \(end)] are reversed or negative") }
            guard end - begin == bytes else {
                throw fail(.inconsistent, "shape \(dims) of \(type) needs \(bytes) bytes but data_offsets [\(begin), \(end)] hold \(end - begin)")
            }
            guard end <= dataSize else {
                throw fail(.truncated, "data_offsets [\(begin), \(end)] run past the end of the file (data section is \(max(dataSize, 0)) bytes)")
            }
            let data = try file.slice((dataStart + begin)..<(dataStart + end), place: place)
            tensors.append(TensorView(name: name, type: type, shape: dims, data: data))
            ranges.append((begin..<end, name))
        }
        let order = ranges.indices.sorted { (ranges[$0].range.lowerBound, ranges[$0].name) < (ranges[$1].range.lowerBound, ranges[$1].name) }
        for (a, b) in zip(order, order.dropFirst()) where ranges[a].range.overlaps(ranges[b].range) {
            throw FormatError(file: path, place: .tensor(ranges[b].name), kind: .inconsistent,
                              "data overlaps tensor \"\(ranges[a].name)\"")
        }
        self.metadata = metadata
        self.tensors = order.map { tensors[$0] }
    }
}

/// A model split over several safetensors files, read through its `model.safetensors.index.json`
/// (`{"metadata": {"total_size": …}, "weight_map": {"tensor name": "shard file name"}}`).
public struct ShardedSafetensors: Sendable {
    public let shards: [SafetensorsFile]
    /// Every tensor of every shard, in shard order.
    public let tensors: [TensorView]

    /// Opens every shard the index at `url` names and checks the index against them.
    public init(index url: URL) throws(FormatError) {
        let index = try ShardIndex(contentsOf: url)
        var shards: [SafetensorsFile] = []
        for name in index.shardNames {
            shards.append(try SafetensorsFile(contentsOf: index.shardURL(name)))
        }
        self.shards = shards
        tensors = try index.merge(zip(index.shardNames, shards).map { ($0, $1.file.path, $1.tensors) })
    }
}
