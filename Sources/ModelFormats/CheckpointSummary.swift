/// What `info` prints about a checkpoint, computed from headers only.
public struct CheckpointSummary: Sendable {
    /// Tensors and elements stored in one type.
    public struct TypeShare: Sendable, Equatable {
        public let type: TensorType
        public let tensorCount: Int
        public let elementCount: Int
        public let byteCount: Int
    }

    public let format: Checkpoint.Format
    /// e.g. `llama (value head)`.
    public let architecture: String
    /// Elements of all tensors (the real parameter count, tied weights counted once).
    public let parameterCount: Int
    /// Storage types, most elements first.
    public let dtypeMix: [TypeShare]
    /// Total size of the files holding the tensors.
    public let bytesOnDisk: Int
    /// Bytes of the tensors themselves: what the weights occupy once paged in (they are used in place).
    public let bytesInMemory: Int
    public let contextLength: Int
    public let bosTokenID: Int?
    public let eosTokenIDs: [Int]
    public let padTokenID: Int?
    public let ropeLayout: RopeLayout
    /// Where the chat template comes from, if the checkpoint carries one.
    public let chatTemplate: ChatTemplateSource.Origin?
}

extension Checkpoint {
    /// The figures `info` shows.
    public var summary: CheckpointSummary {
        var shares: [TensorType: (tensors: Int, elements: Int, bytes: Int)] = [:]
        var seenData = Set<UnsafeRawPointer?>()
        var parameters = 0, memory = 0
        for tensor in tensors where seenData.insert(tensor.data.bytes.baseAddress).inserted || tensor.byteCount == 0 {
            let share = shares[tensor.type] ?? (0, 0, 0)
            shares[tensor.type] = (share.tensors + 1, share.elements + tensor.elementCount, share.bytes + tensor.byteCount)
            parameters += tensor.elementCount
            memory += tensor.byteCount
        }
        let mix = shares.map { CheckpointSummary.TypeShare(type: $0.key, tensorCount: $0.value.tensors, elementCount: $0.value.elements, byteCount: $0.value.bytes) }
            .sorted { ($0.elementCount, $0.type.description) > ($1.elementCount, $1.type.description) }
        let head: String
        switch config.head {
        case .languageModel: head = ""
        case .sequenceClassification(let labels): head = " (sequence classification, \(labels) label\(labels == 1 ? "" : "s"))"
        case .valueHead: head = " (value head)"
        }
        let bos = config.bosTokenID ?? generationConfig?.bosTokenID
        let eos = config.eosTokenIDs.isEmpty ? generationConfig?.eosTokenIDs ?? [] : config.eosTokenIDs
        return CheckpointSummary(format: format, architecture: config.architecture.rawValue + head, parameterCount: parameters,
                                 dtypeMix: mix, bytesOnDisk: files.map(\.count).reduce(0, +), bytesInMemory: memory,
                                 contextLength: config.contextLength, bosTokenID: bos, eosTokenIDs: eos,
                                 padTokenID: config.padTokenID ?? generationConfig?.padTokenID, ropeLayout: ropeLayout,
                                 chatTemplate: tokenizer.chatTemplate?.origin)
    }
}
