import Foundation

/// Token strings and ids, both ways. Ids are dense `0..<count`; an id with no string (a hole in a
/// tokenizer.json vocabulary) has an empty string.
struct Vocabulary: Sendable {
    private(set) var tokens: [[UInt8]] = []
    private var ids: [TokenKey: Int32] = [:]
    /// Ids of single-character tokens in the Basic Multilingual Plane, for the hot path of BPE.
    private var bmpIDs: [Int32] = []
    private var astralIDs: [UInt32: Int32] = [:]

    init() {}

    /// Builds from (token, id) pairs; a later duplicate of a token string keeps the first id.
    init(pairs: [(token: [UInt8], id: Int)]) {
        let count = (pairs.map(\.id).max() ?? -1) + 1
        tokens = [[UInt8]](repeating: [], count: count)
        ids.reserveCapacity(pairs.count)
        for (token, id) in pairs {
            tokens[id] = token
            if ids[TokenKey(token)] == nil { ids[TokenKey(token)] = Int32(id) }
        }
        buildCharacterIndex()
    }

    init(tokens: [[UInt8]]) {
        self.tokens = tokens
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() where ids[TokenKey(token)] == nil {
            ids[TokenKey(token)] = Int32(id)
        }
        buildCharacterIndex()
    }

    private mutating func buildCharacterIndex() {
        bmpIDs = [Int32](repeating: -1, count: 0x10000)
        for (id, token) in tokens.enumerated() where !token.isEmpty && token.count <= 4 {
            let scalars = UTF8Scalars.scalars(token)
            guard scalars.count == 1, ids[TokenKey(token)] == Int32(id) else { continue }
            if scalars[0] < 0x10000 { bmpIDs[Int(scalars[0])] = Int32(id) } else { astralIDs[scalars[0]] = Int32(id) }
        }
    }

    var count: Int { tokens.count }

    func id(_ token: [UInt8]) -> Int32? { ids[TokenKey(token)] }
    func id(_ token: ArraySlice<UInt8>) -> Int32? { ids[TokenKey(token)] }
    func id(_ token: String) -> Int32? { ids[TokenKey(Array(token.utf8))] }

    @inline(__always)
    func id(scalar: UInt32) -> Int32? {
        if scalar < 0x10000 {
            let id = bmpIDs[Int(scalar)]
            return id >= 0 ? id : nil
        }
        return astralIDs[scalar]
    }

    func token(_ id: Int) -> [UInt8]? {
        id >= 0 && id < tokens.count ? tokens[id] : nil
    }

    /// Ids of the 256 byte-fallback tokens `<0x00>`…`<0xFF>`, -1 where the vocabulary lacks one.
    func byteFallbackIDs() -> [Int32] {
        (0..<256).map { byte in id(String(format: "<0x%02X>", byte)) ?? -1 }
    }
}
