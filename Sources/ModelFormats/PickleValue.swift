/// What the safe unpickler can build: plain data, references to allowlisted torch globals, and tensors.
///
/// Nothing here can run code. Lists and dicts are reference types because pickle's memo shares them: a list
/// put in the memo and appended to later must show the appends where it is fetched again.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A reference to an allowlisted global (a torch storage class, `_rebuild_tensor_v2`, `OrderedDict`…).
    case global(PickleGlobal)
    /// A storage handed over by `persistent_load`: `('storage', torch.XStorage, key, location, numel)`.
    case storage(PickleStorage)
    case tensor(PickleTensor)
}

/// A mutable list. Once nested inside another container it is sealed: state dicts never change a container
/// after nesting it, and refusing that keeps every recorded ``depth`` exact (so no structure is deeper than
/// ``PickleMachine/maximumDepth`` and none is cyclic).
final class PickleList {
    var items: [PickleValue] = []
    var depth = 1
    var sealed = false
    init() {}
}

/// A mutable dict (insertion ordered, as Python's); sealed like ``PickleList``.
final class PickleDict {
    var pairs: [(key: PickleValue, value: PickleValue)] = []
    var depth = 1
    var sealed = false
    init() {}
}

extension PickleValue {
    /// Nesting depth: 0 for scalars, 1 + the deepest element for containers.
    var depth: Int {
        switch self {
        case .tuple(let items): 1 + (items.map(\.depth).max() ?? 0)
        case .list(let list): list.depth
        case .dict(let dict): dict.depth
        case .tensor, .storage: 1
        default: 0
        }
    }

    /// Marks a list or dict as nested (see ``PickleList``).
    func seal() {
        switch self {
        case .list(let list): list.sealed = true
        case .dict(let dict): dict.sealed = true
        default: break
        }
    }
}

/// The globals a tensor state dict needs; anything else is refused before it could be looked up.
enum PickleGlobal: Equatable {
    case orderedDict
    case rebuildTensorV2
    case rebuildTensor
    case rebuildParameter
    case rebuildParameterWithState
    case storageType(TensorType)

    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_tensor"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
        case ("torch", let storage):
            let types: [String: TensorType] = [
                "FloatStorage": .f32, "HalfStorage": .f16, "BFloat16Storage": .bf16, "DoubleStorage": .f64,
                "CharStorage": .i8, "ByteStorage": .u8, "ShortStorage": .i16, "IntStorage": .i32,
                "LongStorage": .i64, "BoolStorage": .bool,
            ]
            guard let type = types[storage] else { return nil }
            self = .storageType(type)
        default: return nil
        }
    }
}

struct PickleStorage {
    let type: TensorType
    /// The storage's name: its file in a zip archive's `data/` folder, or its place in a legacy file's list.
    let key: String
    /// Elements the storage (or the view of it) holds.
    let count: Int
    /// For the legacy format's storage views: where the view starts in the root storage, in elements.
    var viewOffset = 0
}

/// `_rebuild_tensor_v2(storage, storage_offset, size, stride, …)`: a strided view of a storage.
struct PickleTensor {
    let storage: PickleStorage
    let offset: Int
    let shape: [Int]
    let strides: [Int]

    /// Row-major contiguous (strides of size-1 dimensions do not matter), so it can be a zero-copy view.
    var isContiguous: Bool {
        var expected = 1
        for (size, stride) in zip(shape, strides).reversed() {
            if size != 1 && stride != expected { return false }
            expected *= size
        }
        return true
    }
}
