/// HF post-processors: what `add_special_tokens=True` adds around a single encoded sequence.
indirect enum PostProcessor: Sendable {
    /// `single` of a TemplateProcessing: special-token ids and the sequence, in order.
    case template([TemplateItem])
    /// `<s> $A </s>`-style wrappers (RobertaProcessing, BertProcessing).
    case wrap(prefix: [Int32], suffix: [Int32])
    /// Offsets only (ByteLevel): the ids are unchanged.
    case none
    case sequence([PostProcessor])

    enum TemplateItem: Sendable, Equatable {
        case special([Int32])
        case sequence
    }

    func apply(_ ids: [Int32]) -> [Int32] {
        switch self {
        case .template(let items):
            var out: [Int32] = []
            out.reserveCapacity(ids.count + items.count)
            for item in items {
                switch item {
                case .special(let special): out.append(contentsOf: special)
                case .sequence: out.append(contentsOf: ids)
                }
            }
            return out
        case let .wrap(prefix, suffix):
            return prefix + ids + suffix
        case .none:
            return ids
        case .sequence(let processors):
            return processors.reduce(ids) { $1.apply($0) }
        }
    }

    /// The ids added before and after the sequence (for reports and for `bosID`).
    var prefixAndSuffix: (prefix: [Int32], suffix: [Int32]) {
        switch self {
        case .template(let items):
            var prefix: [Int32] = []
            var suffix: [Int32] = []
            var seenSequence = false
            for item in items {
                switch item {
                case .sequence: seenSequence = true
                case .special(let ids): if seenSequence { suffix += ids } else { prefix += ids }
                }
            }
            return (prefix, suffix)
        case let .wrap(prefix, suffix):
            return (prefix, suffix)
        case .none:
            return ([], [])
        case .sequence(let processors):
            let parts = processors.map(\.prefixAndSuffix)
            return (parts.reversed().flatMap(\.prefix), parts.flatMap(\.suffix))
        }
    }
}
