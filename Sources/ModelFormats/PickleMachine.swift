/// A safe pickle reader (protocols 2–5, and the few protocol 0/1 opcodes old writers mix in) for PyTorch
/// state dicts.
///
/// It is a stack machine that only BUILDS VALUES: `GLOBAL`/`STACK_GLOBAL` resolve against a fixed allowlist
/// (``PickleGlobal``) and anything else is refused with the module and name; `REDUCE` only applies the handful
/// of allowlisted constructors (`OrderedDict()`, `_rebuild_tensor_v2`, `_rebuild_parameter`); persistent ids
/// become storage references. No code is ever executed and no object of a named class is ever created.
/// Sizes and counts come from the input, so each read is checked against the bytes left, and the memo is a
/// dictionary (an index of 2^32 allocates nothing).
struct PickleMachine {
    let path: String
    let place: FormatError.Place
    private var reader: ByteReader
    /// Bytes consumed so far (after ``run()``: the length of the program up to and including its STOP).
    var consumed: Int { reader.offset }
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    init(_ bytes: UnsafeRawBufferPointer, path: String, place: FormatError.Place, fileOffset: Int) {
        self.path = path
        self.place = place
        self.reader = ByteReader(bytes, path: path, baseOffset: fileOffset)
    }

    private func fail(_ kind: FormatError.Kind, _ message: String, at: Int) -> FormatError {
        FormatError(file: path, place: .within(place, .byteOffset(reader.baseOffset + at)), kind: kind, message)
    }

    /// Runs the program to its STOP and returns the value it leaves.
    mutating func run() throws(FormatError) -> PickleValue {
        do {
            return try execute()
        } catch {
            // Reads that ran off the end report only a byte offset: say which member it was.
            if case .within = error.place { throw error }
            throw FormatError(file: error.file, place: .within(place, error.place), kind: error.kind, error.message)
        }
    }

    private mutating func execute() throws(FormatError) -> PickleValue {
        while true {
            let at = reader.offset
            let op = try reader.read(UInt8.self, "pickle opcode")
            switch op {
            case 0x80: // PROTO
                let version = try reader.read(UInt8.self, "protocol")
                guard version <= 5 else { throw fail(.unsupported, "pickle protocol \(version)", at: at) }
            case 0x95: // FRAME: a length hint only
                try reader.skip(8, "frame length")
            case 0x2E: // STOP
                guard let result = stack.popLast() else { throw fail(.inconsistent, "STOP on an empty stack", at: at) }
                return result
            case 0x28: marks.append(stack.count) // MARK
            case 0x7D: stack.append(.dict(PickleDict())) // EMPTY_DICT
            case 0x5D: stack.append(.list(PickleList())) // EMPTY_LIST
            case 0x29: stack.append(.tuple([])) // EMPTY_TUPLE
            case 0x8F: stack.append(.list(PickleList())) // EMPTY_SET (a set of data is a list to us)
            case 0x74: stack.append(try tuple(try popMark(at), at)) // TUPLE
            case 0x85: stack.append(try tuple(try pop(1, at), at)) // TUPLE1
            case 0x86: stack.append(try tuple(try pop(2, at), at)) // TUPLE2
            case 0x87: stack.append(try tuple(try pop(3, at), at)) // TUPLE3
            case 0x91: stack.append(try tuple(try popMark(at), at)) // FROZENSET
            case 0x6C: // LIST
                let list = PickleList()
                try append(try popMark(at), to: list, at)
                stack.append(.list(list))
            case 0x64: // DICT
                let items = try popMark(at)
                let dict = PickleDict()
                try setItems(dict, items, at)
                stack.append(.dict(dict))
            case 0x4E: stack.append(.none) // NONE
            case 0x88: stack.append(.bool(true)) // NEWTRUE
            case 0x89: stack.append(.bool(false)) // NEWFALSE
            case 0x4A: stack.append(.int(Int(try reader.read(Int32.self, "BININT")))) // BININT
            case 0x4B: stack.append(.int(Int(try reader.read(UInt8.self, "BININT1")))) // BININT1
            case 0x4D: stack.append(.int(Int(try reader.read(UInt16.self, "BININT2")))) // BININT2
            case 0x8A: // LONG1
                let n = Int(try reader.read(UInt8.self, "LONG1 length"))
                stack.append(.int(try littleEndianSigned(try reader.readBytes(n, "LONG1"), at)))
            case 0x8B: // LONG4
                let n = Int(try reader.read(Int32.self, "LONG4 length"))
                guard n >= 0, n <= 8 else { throw fail(.unsupported, "integer of \(n) bytes", at: at) }
                stack.append(.int(try littleEndianSigned(try reader.readBytes(n, "LONG4"), at)))
            case 0x47: // BINFLOAT (big-endian)
                stack.append(.float(Double(bitPattern: UInt64(bigEndian: UInt64(littleEndian: try reader.read(UInt64.self, "BINFLOAT"))))))
            case 0x49, 0x4C: // INT, LONG (protocol 0 text)
                let text = try readLine(at).trimmingSuffix("L")
                switch text {
                case "01": stack.append(.bool(true))
                case "00": stack.append(.bool(false))
                default:
                    guard let value = Int(text) else { throw fail(.inconsistent, "bad integer literal", at: at) }
                    stack.append(.int(value))
                }
            case 0x58: stack.append(.string(try readString(Int(try reader.read(UInt32.self, "BINUNICODE length")), at))) // BINUNICODE
            case 0x8C: stack.append(.string(try readString(Int(try reader.read(UInt8.self, "SHORT_BINUNICODE length")), at)))
            case 0x8D: stack.append(.string(try readString(try length64(at), at))) // BINUNICODE8
            case 0x54: // BINSTRING (protocol 1 byte string, signed 32-bit length)
                let n = Int(try reader.read(Int32.self, "BINSTRING length"))
                stack.append(.string(try readString(n, at)))
            case 0x55: stack.append(.string(try readString(Int(try reader.read(UInt8.self, "SHORT_BINSTRING length")), at)))
            case 0x42: stack.append(.bytes(Array(try reader.readBytes(Int(try reader.read(UInt32.self, "BINBYTES length")), "BINBYTES"))))
            case 0x43: stack.append(.bytes(Array(try reader.readBytes(Int(try reader.read(UInt8.self, "SHORT_BINBYTES length")), "SHORT_BINBYTES"))))
            case 0x8E, 0x96: stack.append(.bytes(Array(try reader.readBytes(try length64(at), "BINBYTES8")))) // BINBYTES8, BYTEARRAY8
            case 0x63: // GLOBAL "module\nname\n"
                let module = try readLine(at)
                let name = try readLine(at)
                stack.append(.global(try resolve(module, name, at)))
            case 0x93: // STACK_GLOBAL
                let pair = try pop(2, at)
                guard case .string(let module) = pair[0], case .string(let name) = pair[1] else {
                    throw fail(.inconsistent, "STACK_GLOBAL needs two strings", at: at)
                }
                stack.append(.global(try resolve(module, name, at)))
            case 0x52: // REDUCE
                let pair = try pop(2, at)
                guard case .tuple(let args) = pair[1] else { throw fail(.inconsistent, "REDUCE arguments are not a tuple", at: at) }
                stack.append(try apply(pair[0], args, at))
            case 0x81: // NEWOBJ cls args → only OrderedDict
                let pair = try pop(2, at)
                stack.append(try apply(pair[0], [], at))
            case 0x92: // NEWOBJ_EX cls args kwargs
                let triple = try pop(3, at)
                stack.append(try apply(triple[0], [], at))
            case 0x62: // BUILD: set state on the object below; state dicts' `_metadata` and friends are ignored
                _ = try pop(1, at)
                guard let top = stack.last else { throw fail(.inconsistent, "BUILD on an empty stack", at: at) }
                switch top {
                case .dict, .tensor: break
                default: throw fail(.inconsistent, "BUILD on a value that takes no state", at: at)
                }
            case 0x73: // SETITEM
                let kv = try pop(2, at)
                guard case .dict(let dict) = try peek(at) else { throw fail(.inconsistent, "SETITEM on a non-dict", at: at) }
                try setItems(dict, kv, at)
            case 0x75: // SETITEMS
                let items = try popMark(at)
                guard case .dict(let dict) = try peek(at) else { throw fail(.inconsistent, "SETITEMS on a non-dict", at: at) }
                try setItems(dict, items, at)
            case 0x61: // APPEND
                let item = try pop(1, at)
                guard case .list(let list) = try peek(at) else { throw fail(.inconsistent, "APPEND to a non-list", at: at) }
                try append(item, to: list, at)
            case 0x65, 0x90: // APPENDS, ADDITEMS
                let items = try popMark(at)
                guard case .list(let list) = try peek(at) else { throw fail(.inconsistent, "APPENDS to a non-list", at: at) }
                try append(items, to: list, at)
            case 0x71: memo[Int(try reader.read(UInt8.self, "BINPUT index"))] = try peek(at) // BINPUT
            case 0x72: memo[Int(try reader.read(UInt32.self, "LONG_BINPUT index"))] = try peek(at) // LONG_BINPUT
            case 0x94: memo[memo.count] = try peek(at) // MEMOIZE
            case 0x70: // PUT (text)
                guard let index = Int(try readLine(at)) else { throw fail(.inconsistent, "bad PUT index", at: at) }
                memo[index] = try peek(at)
            case 0x68: try pushMemo(Int(try reader.read(UInt8.self, "BINGET index")), at) // BINGET
            case 0x6A: try pushMemo(Int(try reader.read(UInt32.self, "LONG_BINGET index")), at) // LONG_BINGET
            case 0x67: // GET (text)
                guard let index = Int(try readLine(at)) else { throw fail(.inconsistent, "bad GET index", at: at) }
                try pushMemo(index, at)
            case 0x51: // BINPERSID
                let pid = try pop(1, at)[0]
                stack.append(try persistentLoad(pid, at))
            case 0x30: _ = try pop(1, at) // POP
            case 0x31: _ = try popMark(at) // POP_MARK
            case 0x32: stack.append(try peek(at)) // DUP
            default:
                throw fail(.unsupported, "pickle opcode 0x\(String(op, radix: 16)) is not allowed in a tensor state dict", at: at)
            }
        }
    }

    // MARK: stack

    private mutating func pop(_ n: Int, _ at: Int) throws(FormatError) -> [PickleValue] {
        let floor = marks.last ?? 0
        guard stack.count - n >= floor else { throw fail(.inconsistent, "stack underflow", at: at) }
        let items = Array(stack.suffix(n))
        stack.removeLast(n)
        return items
    }

    private func peek(_ at: Int) throws(FormatError) -> PickleValue {
        guard let top = stack.last, stack.count > (marks.last ?? 0) else { throw fail(.inconsistent, "stack underflow", at: at) }
        return top
    }

    private mutating func popMark(_ at: Int) throws(FormatError) -> [PickleValue] {
        guard let mark = marks.popLast() else { throw fail(.inconsistent, "no MARK to pop to", at: at) }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func pushMemo(_ index: Int, _ at: Int) throws(FormatError) {
        guard let value = memo[index] else { throw fail(.inconsistent, "memo entry \(index) was never stored", at: at) }
        stack.append(value)
    }

    /// Structures deeper than this are refused (a state dict needs about 4), which also bounds the recursion
    /// of everything that later walks or frees them.
    static let maximumDepth = 32

    private func tuple(_ items: [PickleValue], _ at: Int) throws(FormatError) -> PickleValue {
        let value = PickleValue.tuple(items)
        guard value.depth <= Self.maximumDepth else { throw fail(.unsupported, "structure nested deeper than \(Self.maximumDepth)", at: at) }
        items.forEach { $0.seal() }
        return value
    }

    private func checkNesting(_ items: [PickleValue], into container: AnyObject, sealed: Bool, depth: Int,
                              _ at: Int) throws(FormatError) -> Int {
        guard !sealed else { throw fail(.unsupported, "container changed after being nested (recursive structure)", at: at) }
        var newDepth = depth
        for item in items {
            switch item {
            case .list(let list) where list === container: throw fail(.unsupported, "list contains itself", at: at)
            case .dict(let dict) where dict === container: throw fail(.unsupported, "dict contains itself", at: at)
            default: newDepth = max(newDepth, item.depth + 1)
            }
        }
        guard newDepth <= Self.maximumDepth else { throw fail(.unsupported, "structure nested deeper than \(Self.maximumDepth)", at: at) }
        items.forEach { $0.seal() }
        return newDepth
    }

    private func append(_ items: [PickleValue], to list: PickleList, _ at: Int) throws(FormatError) {
        list.depth = try checkNesting(items, into: list, sealed: list.sealed, depth: list.depth, at)
        list.items.append(contentsOf: items)
    }

    private func setItems(_ dict: PickleDict, _ items: [PickleValue], _ at: Int) throws(FormatError) {
        guard items.count % 2 == 0 else { throw fail(.inconsistent, "odd number of dict items", at: at) }
        dict.depth = try checkNesting(items, into: dict, sealed: dict.sealed, depth: dict.depth, at)
        for i in stride(from: 0, to: items.count, by: 2) {
            dict.pairs.append((items[i], items[i + 1]))
        }
    }

    // MARK: reading

    private mutating func readString(_ length: Int, _ at: Int) throws(FormatError) -> String {
        guard length >= 0 else { throw fail(.inconsistent, "negative string length", at: at) }
        return String(decoding: try reader.readBytes(length, "string"), as: UTF8.self)
    }

    private mutating func length64(_ at: Int) throws(FormatError) -> Int {
        let n = try reader.read(UInt64.self, "length")
        guard let length = Int(exactly: n), length <= reader.remaining else {
            throw fail(.truncated, "length \(n) runs past the end of the pickle", at: at)
        }
        return length
    }

    private mutating func readLine(_ at: Int) throws(FormatError) -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = try reader.read(UInt8.self, "text line")
            if byte == 0x0A { break }
            guard bytes.count < 4096 else { throw fail(.inconsistent, "text line longer than 4096 bytes", at: at) }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func littleEndianSigned(_ bytes: UnsafeRawBufferPointer, _ at: Int) throws(FormatError) -> Int {
        guard bytes.count <= 8 else { throw fail(.unsupported, "integer wider than 64 bits", at: at) }
        guard !bytes.isEmpty else { return 0 }
        var value: UInt64 = 0
        for (i, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        if bytes.count < 8, bytes[bytes.count - 1] & 0x80 != 0 {
            value |= ~0 << (8 * UInt64(bytes.count))  // sign-extend
        }
        return Int(Int64(bitPattern: value))
    }

    // MARK: the allowlist

    private func resolve(_ module: String, _ name: String, _ at: Int) throws(FormatError) -> PickleGlobal {
        guard let global = PickleGlobal(module: module, name: name) else {
            throw fail(.forbiddenGlobal, "refusing global \(module).\(name): only tensor state dicts are loaded "
                       + "(torch._utils._rebuild_tensor_v2, torch.*Storage, collections.OrderedDict, …)", at: at)
        }
        return global
    }

    private func apply(_ callable: PickleValue, _ args: [PickleValue], _ at: Int) throws(FormatError) -> PickleValue {
        guard case .global(let global) = callable else { throw fail(.inconsistent, "call of a value that is not an allowed global", at: at) }
        switch global {
        case .orderedDict:
            return .dict(PickleDict())
        case .rebuildTensorV2, .rebuildTensor:
            guard args.count >= 4, case .storage(let storage) = args[0], case .int(let offset) = args[1],
                  case .tuple(let size) = args[2], case .tuple(let stride) = args[3] else {
                throw fail(.inconsistent, "_rebuild_tensor arguments are not (storage, offset, size, stride, …)", at: at)
            }
            let shape = size.compactMap { if case .int(let v) = $0 { v } else { nil } }
            let strides = stride.compactMap { if case .int(let v) = $0 { v } else { nil } }
            guard shape.count == size.count, strides.count == stride.count, shape.count == strides.count, shape.count <= 8 else {
                throw fail(.inconsistent, "tensor size/stride are not matching integer tuples", at: at)
            }
            return .tensor(PickleTensor(storage: storage, offset: offset, shape: shape, strides: strides))
        case .rebuildParameter, .rebuildParameterWithState:
            guard let first = args.first, case .tensor = first else {
                throw fail(.inconsistent, "_rebuild_parameter of something that is not a tensor", at: at)
            }
            return first
        case .storageType:
            throw fail(.forbiddenGlobal, "storage classes cannot be called", at: at)
        }
    }

    /// `('storage', torch.XStorage, key, location, numel)`, and in the legacy format a sixth field: None or a
    /// view `(view_key, offset, view_numel)` of the root storage.
    private func persistentLoad(_ pid: PickleValue, _ at: Int) throws(FormatError) -> PickleValue {
        guard case .tuple(let parts) = pid, parts.count == 5 || parts.count == 6, case .string("storage") = parts[0],
              case .global(.storageType(let type)) = parts[1], case .string(let key) = parts[2],
              case .int(let count) = parts[4], count >= 0 else {
            throw fail(.inconsistent, "persistent id is not ('storage', torch.XStorage, key, location, numel)", at: at)
        }
        var storage = PickleStorage(type: type, key: key, count: count)
        if parts.count == 6 {
            switch parts[5] {
            case .none:
                break
            case .tuple(let view):
                guard view.count == 3, case .int(let offset) = view[1], case .int(let viewCount) = view[2],
                      offset >= 0, viewCount >= 0, viewCount <= count, offset <= count - viewCount else {
                    throw fail(.inconsistent, "storage view is not (key, offset, numel) inside its storage", at: at)
                }
                storage = PickleStorage(type: type, key: key, count: viewCount, viewOffset: offset)
            default:
                throw fail(.inconsistent, "storage view metadata is neither None nor a tuple", at: at)
            }
        }
        return .storage(storage)
    }
}

private extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
