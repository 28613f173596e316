import Foundation

/// A PyTorch state dict saved by `torch.save`: `pytorch_model.bin`, `*.pt`, `*.pth`, in the zip format (torch
/// ≥ 1.6) or the legacy stream format before it.
///
/// The pickle is run through the safe ``PickleMachine`` (which refuses any global outside the state-dict
/// allowlist and never executes anything); each tensor becomes a zero-copy view of its storage's bytes, which
/// both formats store raw and uncompressed. Only contiguous tensors can be views; others are reported.
public struct PyTorchCheckpoint: Sendable {
    /// Tensors in the state dict's order. Nested dicts (`{"state_dict": {...}}`) are flattened with dots.
    public let tensors: [TensorView]
    /// The mapped file.
    public let file: MappedFile

    /// Maps and reads the checkpoint at `url`.
    public init(contentsOf url: URL) throws(FormatError) {
        try self.init(mapping: MappedFile(path: url.path))
    }

    /// Reads an already-mapped file (or an in-memory one: ``MappedFile/init(copying:path:)``).
    public init(mapping file: MappedFile) throws(FormatError) {
        self.file = file
        let contents: (root: PickleValue, place: FormatError.Place, storage: (PickleStorage) throws(FormatError) -> MappedBuffer)
        if ZipArchive.looksLikeZip(file) {
            contents = try Self.readZip(file)
        } else if LegacyTorchFile.matches(file) {
            let legacy = try LegacyTorchFile(file)
            contents = (legacy.root, .byteOffset(legacy.pickleOffset), legacy.storageData)
        } else {
            throw FormatError(file: file.path, place: .byteOffset(0), kind: .badMagic, "not a PyTorch checkpoint (neither a zip archive nor a legacy torch.save stream)")
        }

        var named: [(String, PickleTensor)] = []
        try Self.collectTensors(contents.root, prefix: "", into: &named, path: file.path)
        if named.isEmpty {
            throw FormatError(file: file.path, place: contents.place, kind: .inconsistent, "the pickle holds no tensors")
        }
        var tensors: [TensorView] = []
        for (name, tensor) in named {
            let storage: MappedBuffer
            do {
                storage = try contents.storage(tensor.storage)
            } catch {
                throw FormatError(file: error.file, place: .within(.tensor(name), error.place), kind: error.kind, error.message)
            }
            tensors.append(try Self.view(of: tensor, named: name, in: storage, path: file.path))
        }
        self.tensors = tensors
    }

    /// The zip format: `<prefix>/data.pkl`, storages in `<prefix>/data/<key>`.
    private static func readZip(_ file: MappedFile) throws(FormatError)
        -> (PickleValue, FormatError.Place, (PickleStorage) throws(FormatError) -> MappedBuffer) {
        let path = file.path
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
        var cache: [String: MappedBuffer] = [:]
        let storage = { (storage: PickleStorage) throws(FormatError) -> MappedBuffer in
            let name = prefix + "data/" + storage.key
            if let cached = cache[name] { return cached }
            guard let entry = archive.entry(named: name) else {
                throw FormatError(file: path, place: .entry(name), kind: .inconsistent, "storage \(name) is missing from the archive")
            }
            let data = try archive.storedData(of: entry)
            cache[name] = data
            return data
        }
        return (root, .entry(pickleEntry.name), storage)
    }

    /// The tensor's bytes inside its storage's bytes, after checking that everything fits.
    private static func view(of tensor: PickleTensor, named name: String, in storageData: MappedBuffer,
                             path: String) throws(FormatError) -> TensorView {
        func fail(_ kind: FormatError.Kind, _ message: String) -> FormatError {
            FormatError(file: path, place: .tensor(name), kind: kind, message)
        }
        let storage = tensor.storage, type = storage.type
        guard let rootBytes = type.byteCount(elements: storage.viewOffset + storage.count), rootBytes <= storageData.count else {
            throw fail(.inconsistent, "storage of \(storage.count) \(type) values needs more than its \(storageData.count) bytes")
        }
        guard tensor.isContiguous else {
            return try contiguousCopy(of: tensor, named: name, in: storageData, path: path)
        }
        guard let elements = checkedElementCount(tensor.shape), tensor.offset >= 0, tensor.offset <= storage.count,
              elements <= storage.count - tensor.offset,
              let start = type.byteCount(elements: storage.viewOffset + tensor.offset), let length = type.byteCount(elements: elements) else {
            throw fail(.inconsistent, "size \(tensor.shape) at offset \(tensor.offset) does not fit its storage of \(storage.count) values")
        }
        return TensorView(name: name, type: type, shape: tensor.shape, data: try storageData.slice(start..<(start + length), place: .tensor(name)))
    }

    /// A strided tensor (some old checkpoints store transposed weights) gathered into row-major order, in memory
    /// of its own: the one case where opening copies data. Strides must be positive and every element inside
    /// the storage; the copy is never larger than the storage, so a lying header cannot make it huge.
    private static func contiguousCopy(of tensor: PickleTensor, named name: String, in storageData: MappedBuffer,
                                       path: String) throws(FormatError) -> TensorView {
        func fail(_ message: String) -> FormatError {
            FormatError(file: path, place: .tensor(name), kind: .inconsistent, message)
        }
        let storage = tensor.storage, width = storage.type.blockBytes
        guard storage.type.blockElements == 1, let elements = checkedElementCount(tensor.shape), elements <= storage.count,
              tensor.offset >= 0, zip(tensor.shape, tensor.strides).allSatisfy({ $0 <= 1 || $1 > 0 }) else {
            throw fail("strided view (size \(tensor.shape), stride \(tensor.strides)) is not a plain view of its storage")
        }
        var last = tensor.offset  // the furthest element the view reaches
        for (size, stride) in zip(tensor.shape, tensor.strides) where size > 1 {
            let (step, o1) = (size - 1).multipliedReportingOverflow(by: stride)
            let (sum, o2) = last.addingReportingOverflow(step)
            guard !o1, !o2 else { throw fail("strides overflow") }
            last = sum
        }
        guard elements == 0 || last < storage.count else {
            throw fail("size \(tensor.shape), stride \(tensor.strides) at offset \(tensor.offset) reach past its storage of \(storage.count) values")
        }
        var bytes = [UInt8](repeating: 0, count: elements * width)
        storageData.withUnsafeBytes { source in
            var index = [Int](repeating: 0, count: tensor.shape.count)
            for element in 0..<elements {
                var at = storage.viewOffset + tensor.offset
                for (i, stride) in zip(index, tensor.strides) { at += i * stride }
                for b in 0..<width { bytes[element * width + b] = source[at * width + b] }
                var dim = tensor.shape.count - 1  // advance the row-major multi-index
                while dim >= 0 {
                    index[dim] += 1
                    if index[dim] < tensor.shape[dim] { break }
                    index[dim] = 0
                    dim -= 1
                }
            }
        }
        let copy = MappedFile(copying: bytes, path: "\(path) (\(name), made contiguous)")
        return TensorView(name: name, type: storage.type, shape: tensor.shape, data: copy.buffer)
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
