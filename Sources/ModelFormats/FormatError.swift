/// A model file that cannot be read as what it claims to be, with the file and the place in it.
///
/// Every parser in this module throws only this type on bad input, so a caller can print one line that a
/// person can act on: `model.gguf: byte 1234: tensor "blk.0.attn_q.weight": data ends past the end of the file`.
public struct FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem this is, for callers (and tests) that branch on it.
    public enum Kind: String, Sendable {
        /// The file ends before a structure it declares.
        case truncated
        /// The file does not start with the magic/signature of the format.
        case badMagic
        /// A format version, dtype, tensor type or pickle opcode this reader does not know or support.
        case unsupported
        /// A declared size, offset, count or shape is impossible or inconsistent with the file.
        case inconsistent
        /// JSON (a header, config.json, an index) that does not parse or lacks a required key.
        case malformedJSON
        /// A pickle names a global outside the tensor-state-dict allowlist.
        case forbiddenGlobal
        /// A file a checkpoint needs is missing or cannot be opened.
        case missingFile
        /// The operating system refused to read or map the file.
        case io
    }

    /// Where in the file the problem is.
    public enum Place: Equatable, Sendable, CustomStringConvertible {
        case wholeFile
        case byteOffset(Int)
        case tensor(String)
        case key(String)
        /// A member of an archive (e.g. `archive/data.pkl`).
        case entry(String)
        indirect case within(Place, Place)

        public var description: String {
            switch self {
            case .wholeFile: ""
            case .byteOffset(let offset): "byte \(offset)"
            case .tensor(let name): "tensor \"\(name)\""
            case .key(let key): "key \"\(key)\""
            case .entry(let name): "entry \"\(name)\""
            case .within(let outer, let inner): [outer.description, inner.description]
                .filter { !$0.isEmpty }.joined(separator: ": ")
            }
        }
    }

    /// The file's path as it was opened.
    public var file: String
    public var place: Place
    public var kind: Kind
    /// What is wrong, in words (no file or place: ``description`` adds those).
    public var message: String

    public init(file: String, place: Place = .wholeFile, kind: Kind, _ message: String) {
        self.file = file
        self.place = place
        self.kind = kind
        self.message = message
    }

    public var description: String {
        let where_ = place.description
        return where_.isEmpty ? "\(file): \(message)" : "\(file): \(where_): \(message)"
    }
}
