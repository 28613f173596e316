/// The stream format `torch.save` wrote before torch 1.6 (and with `_use_new_zipfile_serialization=False`):
/// five pickles back to back — a magic number, the protocol version 1001, a `sys_info` dict, the object
/// (here a state dict whose storages are persistent ids), the list of storage keys — then, for each key in
/// that order, the storage's element count as a little-endian int64 followed by its raw bytes.
struct LegacyTorchFile {
    let root: PickleValue
    /// Where the state-dict pickle starts (errors point there).
    let pickleOffset: Int
    private let storages: [String: MappedBuffer]
    private let path: String

    /// `PROTO 2, LONG1 0x1950a86a20f9469cfc6c, STOP`: the magic number pickle.
    static let magic: [UInt8] = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]

    static func matches(_ file: MappedFile) -> Bool {
        file.count >= magic.count && Array(file.bytes[0..<magic.count]) == magic
    }

    init(_ file: MappedFile) throws(FormatError) {
        path = file.path
        var offset = Self.magic.count
        func runPickle(_ what: String) throws(FormatError) -> PickleValue {
            let bytes = UnsafeRawBufferPointer(rebasing: file.bytes[offset...])
            var machine = PickleMachine(bytes, path: file.path, place: .entry(what), fileOffset: offset)
            let value = try machine.run()
            offset += machine.consumed
            return value
        }
        guard case .int(1001) = try runPickle("protocol version") else {
            throw FormatError(file: path, place: .byteOffset(Self.magic.count), kind: .unsupported, "legacy torch protocol version is not 1001")
        }
        let sysInfoOffset = offset
        guard case .dict(let sysInfo) = try runPickle("sys_info") else {
            throw FormatError(file: path, place: .byteOffset(sysInfoOffset), kind: .inconsistent, "sys_info is not a dict")
        }
        for (key, value) in sysInfo.pairs {
            if case .string("little_endian") = key, case .bool(false) = value {
                throw FormatError(file: path, place: .byteOffset(sysInfoOffset), kind: .unsupported, "big-endian checkpoint")
            }
        }
        pickleOffset = offset
        root = try runPickle("state dict")

        // Storage types and sizes come from the persistent ids; the data follows in key-list order.
        var declared: [String: PickleStorage] = [:]
        Self.collectStorages(root, into: &declared, depth: 0)
        let keysOffset = offset
        guard case .list(let keyList) = try runPickle("storage keys") else {
            throw FormatError(file: path, place: .byteOffset(keysOffset), kind: .inconsistent, "the storage key list is not a list")
        }
        var reader = ByteReader(file.bytes, path: path)
        try reader.seek(to: offset)
        var storages: [String: MappedBuffer] = [:]
        for item in keyList.items {
            guard case .string(let key) = item, let storage = declared[key] else {
                throw FormatError(file: path, place: .byteOffset(reader.offset), kind: .inconsistent, "storage key \(item) is not used by any tensor")
            }
            let countOffset = reader.offset
            let count = try reader.read(Int64.self, "element count of storage \(key)")
            guard count >= 0, let bytes = storage.type.byteCount(elements: Int(count)), bytes <= reader.remaining else {
                throw FormatError(file: path, place: .byteOffset(countOffset), kind: .truncated,
                                  "storage \(key) of \(count) \(storage.type) values runs past the end of the file")
            }
            storages[key] = try file.slice(reader.offset..<(reader.offset + bytes), place: .byteOffset(reader.offset))
            try reader.skip(bytes, "storage \(key)")
        }
        self.storages = storages
    }

    func storageData(_ storage: PickleStorage) throws(FormatError) -> MappedBuffer {
        guard let data = storages[storage.key] else {
            throw FormatError(file: path, kind: .inconsistent, "storage \(storage.key) is not in the file's storage list")
        }
        return data
    }

    /// Finds every storage a tensor in the (depth-bounded) structure refers to; views keep the root's type.
    private static func collectStorages(_ value: PickleValue, into result: inout [String: PickleStorage], depth: Int) {
        guard depth <= PickleMachine.maximumDepth else { return }
        switch value {
        case .tensor(let tensor): result[tensor.storage.key] = tensor.storage
        case .storage(let storage): result[storage.key] = storage
        case .dict(let dict): for (_, item) in dict.pairs { collectStorages(item, into: &result, depth: depth + 1) }
        case .list(let list): for item in list.items { collectStorages(item, into: &result, depth: depth + 1) }
        case .tuple(let items): for item in items { collectStorages(item, into: &result, depth: depth + 1) }
        default: break
        }
    }
}
