import Foundation

/// A PyTorch state dict saved by `torch.save` (zip format, torch ≥ 1.6): `pytorch_model.bin`, `*.pt`, `*.pth`.
///
/// The archive's `data.pkl` is run through the safe ``PickleMachine`` (which refuses any global outside the
/// state-dict allowlist and never executes anything); each tensor becomes a zero-copy view of its storage
/// member, which torch stores uncompressed. Only contiguous tensors can be views; others are reported.
public struct PyTorchCheckpoint: Sendable {
    /// Tensors in the state dict's order. Nested dicts (`{"state_dict": {...}}`) are flattened with dots.
    public let tensors: [TensorView]
    /// The mapped archive.
    public let file: MappedFile

    /// Maps and reads the checkpoint at `url`.
    public init(contentsOf url: URL) throws(FormatError) {
        try self.init(mapping: MappedFile(path: url.path))
    }

    /// Reads an already-mapped archive (or an in-memory one: ``MappedFile/init(copying:path:)``).
    public init(mapping file: MappedFile) throws(FormatError) {
        self.file = file
        let path = file.path
        guard ZipArchive.looksLikeZip(file) else {
            let legacy = file.count >= 2 && file.bytes[0] == 0x80 && file.bytes[1] <= 5
            throw FormatError(file: path, place: .byteOffset(0), kind: legacy ? .unsupported : .badMagic,
                              legacy ? "legacy torch.save format (before torch 1.6) is not supported; re-save it or convert to safetensors"
                                     : "not a PyTorch zip checkpoint")
        }
        let archive = try ZipArchive(file)
        let pickles = archive.entries.filter { $0.name == "data.pkl" || $0.name.hasSuffix("/data.pkl") }
        guard pickles.count == 1, let pickleEntry = pickles.first else {
            throw FormatError(file: path, kind: .inconsistent, "expected one data.pkl in the archive, found \(pickles.count)")
        }
        let prefix = String(pickleEntry.name.dropLast("data.pkl".count))
        if let order = archive.entry(named: prefix + "byteorder") {
            let text = try archive.storedData(of: order).withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
            guard text.trimmingCharacters(in: .whitespacesAndNewlines) == "little" else {
                throw FormatError(file: path, place: .entry(order.name), kind: .unsupported, "byte order \"\(text)\" (only little-endian is supported)")
            }
        }
        let program = try archive.storedData(of: pickleEntry)
        let root = try program.withUnsafeBytes { (bytes) throws(FormatError) -> PickleValue in
            var machine = PickleMachine(bytes, path: path, place: .entry(pickleEntry.name), fileOffset: program.fileOffset)
            return try machine.run()
        }

        var named: [(String, PickleTensor)] = []
        try Self.collectTensors(root, prefix: "", into: &named, path: path)
        if named.isEmpty {
            throw FormatError(file: path, place: .entry(pickleEntry.name), kind: .inconsistent, "the pickle holds no tensors")
        }

        var storages: [String: MappedBuffer] = [:]
        var tensors: [TensorView] = []
        for (name, tensor) in named {
            let place = FormatError.Place.tensor(name)
            func fail(_ kind: FormatError.Kind, _ message: String) -> FormatError {
                FormatError(file: path, place: place, kind: kind, message)
            }
            let storageName = prefix + "data/" + tensor.storage.key
            let storage: MappedBuffer
            if let cached = storages[storageName] {
                storage = cached
            } else {
                guard let entry = archive.entry(named: storageName) else { throw fail(.inconsistent, "storage \(storageName) is missing from the archive") }
                storage = try archive.storedData(of: entry)
                storages[storageName] = storage
            }
            let type = tensor.storage.type
            guard let storageBytes = type.byteCount(elements: tensor.storage.count), storageBytes <= storage.count else {
                throw fail(.inconsistent, "storage of \(tensor.storage.count) \(type) values needs more than its \(storage.count) bytes")
            }
            guard tensor.isContiguous else {
                throw fail(.unsupported, "non-contiguous tensor (size \(tensor.shape), stride \(tensor.strides)) cannot be mapped without copying")
            }
            guard let elements = checkedElementCount(tensor.shape), tensor.offset >= 0,
                  tensor.offset <= tensor.storage.count, elements <= tensor.storage.count - tensor.offset,
                  let start = type.byteCount(elements: tensor.offset), let length = type.byteCount(elements: elements) else {
                throw fail(.inconsistent, "size \(tensor.shape) at offset \(tensor.offset) does not fit its storage of \(tensor.storage.count) values")
            }
            tensors.append(TensorView(name: name, type: type, shape: tensor.shape, data: try storage.slice(start..<(start + length), place: place)))
        }
        self.tensors = tensors
    }

    /// Walks dicts of tensors; non-tensor leaves (an epoch counter, a config dict of strings) are skipped.
    private static func collectTensors(_ value: PickleValue, prefix: String, into result: inout [(String, PickleTensor)],
                                       path: String) throws(FormatError) {
        guard case .dict(let dict) = value else {
            throw FormatError(file: path, kind: .inconsistent, "the pickle's top level is not a dict of tensors")
        }
        for (key, item) in dict.pairs {
            let name: String
            switch key {
            case .string(let s): name = s
            case .int(let i): name = String(i)
            default: continue
            }
            let full = prefix.isEmpty ? name : prefix + "." + name
            switch item {
            case .tensor(let tensor): result.append((full, tensor))
            case .dict: try collectTensors(item, prefix: full, into: &result, path: path)
            default: continue
            }
        }
    }
}
