import Foundation

/// A SentencePiece `tokenizer.model` (a serialized `ModelProto`), read without a protobuf library.
struct SentencePieceModel {
    enum PieceType: Int {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    enum ModelType: Int {
        case unigram = 1, bpe = 2, word = 3, character = 4
    }

    var pieces: [[UInt8]] = []
    var scores: [Float] = []
    var types: [PieceType] = []
    var modelType: ModelType = .unigram
    var byteFallback = false
    var treatWhitespaceAsSuffix = false
    var unkID = 0
    var bosID = 1
    var eosID = 2
    var padID = -1
    var normalizerName = ""
    var precompiledCharsmap: [UInt8] = []
    var addDummyPrefix = true
    var removeExtraWhitespaces = true
    var escapeWhitespaces = true

    static func load(contentsOf url: URL) throws(TokenizerError) -> PipelineTokenizer {
        try parse(try FileBytes.read(url), file: url.path).makeTokenizer(file: url.path)
    }

    /// Decodes the fields of `ModelProto` this tokenizer needs; unknown fields are skipped.
    static func parse(_ bytes: [UInt8], file: String) throws(TokenizerError) -> SentencePieceModel {
        var model = SentencePieceModel()
        var reader = ProtobufReader(bytes: bytes[...], file: file)
        while let field = try reader.nextField() {
            switch (field.number, field.value) {
            case (1, .bytes(let message)):
                try model.readPiece(ProtobufReader(bytes: message, file: file))
            case (2, .bytes(let message)):
                try model.readTrainerSpec(ProtobufReader(bytes: message, file: file))
            case (3, .bytes(let message)):
                try model.readNormalizerSpec(ProtobufReader(bytes: message, file: file))
            default:
                break
            }
        }
        guard !model.pieces.isEmpty else {
            throw TokenizerError.malformedBinary(file: file, offset: 0, reason: "ModelProto has no pieces")
        }
        return model
    }

    private mutating func readPiece(_ message: ProtobufReader) throws(TokenizerError) {
        var reader = message
        let start = reader.absoluteOffset
        var piece: [UInt8]? = nil
        var score: Float = 0
        var type = PieceType.normal
        while let field = try reader.nextField() {
            switch (field.number, field.value) {
            case (1, .bytes(let text)): piece = Array(text)
            case (2, .fixed32(let bits)): score = Float(bitPattern: bits)
            case (3, .varint(let value)):
                guard let known = PieceType(rawValue: Int(truncatingIfNeeded: value)) else {
                    throw TokenizerError.malformedBinary(file: reader.file, offset: start,
                                                         reason: "piece \(pieces.count) has unknown type \(value)")
                }
                type = known
            default: break
            }
        }
        guard let piece, !piece.isEmpty else {
            throw TokenizerError.malformedBinary(file: reader.file, offset: start, reason: "piece \(pieces.count) is empty")
        }
        pieces.append(UTF8Scalars.repaired(piece))
        scores.append(score)
        types.append(type)
    }

    private mutating func readTrainerSpec(_ message: ProtobufReader) throws(TokenizerError) {
        var reader = message
        while let field = try reader.nextField() {
            guard case .varint(let value) = field.value else { continue }
            let int = Int(Int32(truncatingIfNeeded: value))
            switch field.number {
            case 3:
                guard let type = ModelType(rawValue: int) else {
                    throw TokenizerError.malformedBinary(file: reader.file, offset: reader.absoluteOffset,
                                                         reason: "unknown model_type \(value)")
                }
                modelType = type
            case 24: treatWhitespaceAsSuffix = value != 0
            case 35: byteFallback = value != 0
            case 40: unkID = int
            case 41: bosID = int
            case 42: eosID = int
            case 43: padID = int
            default: break
            }
        }
    }

    private mutating func readNormalizerSpec(_ message: ProtobufReader) throws(TokenizerError) {
        var reader = message
        while let field = try reader.nextField() {
            switch (field.number, field.value) {
            case (1, .bytes(let name)): normalizerName = String(decoding: name, as: UTF8.self)
            case (2, .bytes(let map)): precompiledCharsmap = Array(map)
            case (3, .varint(let value)): addDummyPrefix = value != 0
            case (4, .varint(let value)): removeExtraWhitespaces = value != 0
            case (5, .varint(let value)): escapeWhitespaces = value != 0
            default: break
            }
        }
    }

    /// The tokenizer HF's converters would build from this model: control pieces become special tokens
    /// matched in text, user-defined pieces added tokens; the decoder undoes "▁", byte pieces and the
    /// dummy prefix.
    func makeTokenizer(file: String) throws(TokenizerError) -> PipelineTokenizer {
        var rules: PrecompiledCharsMap? = nil
        if !precompiledCharsmap.isEmpty {
            guard let parsed = PrecompiledCharsMap(precompiledCharsmap) else {
                throw TokenizerError.malformedBinary(file: file, offset: 0,
                                                     reason: "normalizer_spec.precompiled_charsmap is inconsistent")
            }
            rules = parsed
        }
        guard !treatWhitespaceAsSuffix else {
            throw TokenizerError.unsupported(file: file, path: "trainer_spec.treat_whitespace_as_suffix",
                                             what: "whitespace as a suffix")
        }
        guard unkID >= 0, unkID < pieces.count, types[unkID] == .unknown else {
            throw TokenizerError.malformedBinary(file: file, offset: 0,
                                                 reason: "trainer_spec.unk_id \(unkID) is not an unknown piece")
        }
        let vocabulary = Vocabulary(tokens: pieces)
        if byteFallback, vocabulary.byteFallbackIDs().contains(-1) {
            throw TokenizerError.malformedBinary(file: file, offset: 0,
                                                 reason: "byte_fallback is set but not all 256 byte pieces exist")
        }
        let model: any TokenModel
        let name: String
        switch modelType {
        case .bpe:
            model = SentencePieceBPEModel(
                vocabulary: vocabulary, scores: scores,
                mergeable: types.map { $0 == .normal || $0 == .userDefined || $0 == .unused },
                unused: types.map { $0 == .unused }, unknownID: Int32(unkID), byteFallback: byteFallback,
                userDefined: zip(pieces, types).filter { $0.1 == .userDefined }.map(\.0))
            name = "BPE"
        case .unigram:
            model = UnigramModel(vocabulary: vocabulary, scores: scores.map(Double.init), unknownID: Int32(unkID),
                                 byteFallback: byteFallback,
                                 flavor: .sentencePiece(inLattice: types.map { $0 == .normal || $0 == .userDefined },
                                                        userDefined: types.map { $0 == .userDefined }),
                                 normal: types.map { $0 == .normal })
            name = "Unigram"
        case .word, .character:
            throw TokenizerError.unsupported(file: file, path: "trainer_spec.model_type", what: "model type \(modelType)")
        }

        var added: [AddedToken] = []
        for (id, type) in types.enumerated() where type == .control || type == .unknown {
            added.append(AddedToken(id: id, content: String(decoding: pieces[id], as: UTF8.self), special: true))
        }
        let space = Normalizer.metaspace
        var decoders: [TokenDecoder] = [.replaceLiteral(pattern: space, content: [0x20])]
        if byteFallback { decoders.append(.byteFallback) }
        decoders.append(.fuse)
        if addDummyPrefix { decoders.append(.strip(content: 0x20, start: 1, stop: 0)) }
        let valid = { (id: Int) -> Int? in id >= 0 && id < pieces.count ? id : nil }
        return PipelineTokenizer(
            addedTokens: added,
            normalizer: .sentencePiece(rules: rules, addDummyPrefix: addDummyPrefix,
                                       removeExtraWhitespaces: removeExtraWhitespaces, escapeWhitespaces: escapeWhitespaces),
            preTokenizer: nil, model: model,
            postProcessor: .template(valid(bosID).map { [.special([Int32($0)]), .sequence] } ?? [.sequence]),
            decoder: .sequence(decoders),
            summary: "tokenizer.model SentencePiece \(name) (\(pieces.count))",
            bosID: valid(bosID), eosID: valid(eosID), padID: valid(padID), unkID: unkID)
    }
}

/// A bounds-checked reader of protobuf wire format.
struct ProtobufReader {
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(ArraySlice<UInt8>)
    }

    let bytes: ArraySlice<UInt8>
    let file: String
    private var position: Int

    init(bytes: ArraySlice<UInt8>, file: String) {
        self.bytes = bytes
        self.file = file
        self.position = bytes.startIndex
    }

    var absoluteOffset: Int { position }

    private func truncated(_ what: String) -> TokenizerError {
        .malformedBinary(file: file, offset: position, reason: "truncated protobuf: \(what)")
    }

    private mutating func varint() throws(TokenizerError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.endIndex else { throw truncated("varint runs past the end") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else {
                throw TokenizerError.malformedBinary(file: file, offset: position, reason: "varint longer than 10 bytes")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func take(_ count: Int, _ what: String) throws(TokenizerError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.endIndex - position else { throw truncated(what) }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    /// The next field, or `nil` at the end of the message.
    mutating func nextField() throws(TokenizerError) -> (number: Int, value: Value)? {
        guard position < bytes.endIndex else { return nil }
        let start = position
        let key = try varint()
        let number = Int(key >> 3)
        guard number > 0 else {
            throw TokenizerError.malformedBinary(file: file, offset: start, reason: "field number 0")
        }
        switch key & 7 {
        case 0: return (number, .varint(try varint()))
        case 1:
            let raw = try take(8, "fixed64 field \(number)")
            return (number, .fixed64(raw.reversed().reduce(0) { $0 << 8 | UInt64($1) }))
        case 2:
            let length = try varint()
            guard length <= UInt64(bytes.endIndex - position) else {
                throw truncated("field \(number) declares \(length) bytes")
            }
            return (number, .bytes(try take(Int(length), "field \(number)")))
        case 5:
            let raw = try take(4, "fixed32 field \(number)")
            return (number, .fixed32(raw.reversed().reduce(0) { $0 << 8 | UInt32($1) }))
        default:
            throw TokenizerError.malformedBinary(file: file, offset: start,
                                                 reason: "unsupported wire type \(key & 7) for field \(number)")
        }
    }
}
