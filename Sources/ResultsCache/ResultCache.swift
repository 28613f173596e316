import Foundation
internal import GRDB
import InferenceAPI
import Synchronization

/// A SQLite file of every result a model has produced, keyed by the model's identity, the kind of result, its
/// parameters and the exact input text, so that re-running, replaying or resuming a session recomputes nothing.
///
/// The file is opened in WAL mode through a connection pool: several shells (or a shell and a server) can share
/// one cache, readers never wait for the writer, and a crash loses at most the transaction being written.
/// Results are written as soon as a backend hands them over, one transaction per chunk.
public final class ResultCache: Sendable {
    /// Where the SQLite file lives.
    public let path: String
    private let pool: DatabasePool
    /// Row ids of the models seen through this handle, to avoid an upsert per lookup.
    private let modelIDs = Mutex<[ModelKey: Int64]>([:])

    private struct ModelKey: Hashable {
        var fingerprint: String
        var source: String
    }

    /// Opens (creating it and its directory if needed) the cache at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ResultCacheError.cannotOpen(path: path, reason: "cannot create \(directory): \(error.localizedDescription)")
            }
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Another process holding the write lock (a second shell on the same cache) is waited for, not failed.
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try CacheSchema.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw ResultCacheError.cannotOpen(path: path, reason: error.message ?? "\(error)")
        } catch {
            throw ResultCacheError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// `${ALIGNSCOPE_HOME:-~/.cache/alignscope}/cache.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["ALIGNSCOPE_HOME"], !home.isEmpty {
            return (home as NSString).appendingPathComponent("cache.sqlite")
        }
        let user = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (user as NSString).appendingPathComponent(".cache/alignscope/cache.sqlite")
    }

    // MARK: Results

    /// The stored outputs for `keys`, in order; `nil` where nothing is cached.
    public func lookup(model: ModelIdentity, kind: ResultKind, keys: [CacheKey]) throws -> [Data?] {
        guard !keys.isEmpty else { return [] }
        return try guarded("reading \(kind) results of \(model.name)") {
            try pool.read { db -> [Data?] in
                guard let modelID = try existingModelID(model, db) else { return keys.map { _ in nil } }
                let statement = try db.cachedStatement(sql: """
                    SELECT output FROM result WHERE model_id = ? AND kind = ? AND parameters = ? AND input = ?
                    """)
                return try keys.map { key in
                    try Data.fetchOne(statement, arguments: [modelID, kind.rawValue, key.parameters, key.input])
                }
            }
        }
    }

    /// Stores outputs in one transaction; an entry already present is replaced (same key, same numbers).
    public func store(model: ModelIdentity, kind: ResultKind, entries: [(key: CacheKey, output: Data)]) throws {
        guard !entries.isEmpty else { return }
        let now = Date().timeIntervalSince1970
        try guarded("writing \(kind) results of \(model.name)") {
            try pool.write { db in
                let modelID = try upsertModel(model, db)
                let statement = try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO result (model_id, kind, parameters, input, output, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
                for entry in entries {
                    try statement.execute(arguments: [modelID, kind.rawValue, entry.key.parameters, entry.key.input,
                                                      entry.output, now])
                }
            }
        }
    }

    // MARK: What `cache` shows and clears

    /// Per-model counts and sizes, most recently used first.
    public func statistics() throws -> CacheStatistics {
        let models = try guarded("reading statistics") {
            try pool.read { db -> [CachedModelStatistics] in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT m.id, m.name, m.source, m.fingerprint, m.tokenizer, r.kind,
                           COUNT(r.kind) AS n, COALESCE(SUM(LENGTH(r.input) + LENGTH(r.output)), 0) AS bytes,
                           MAX(r.created_at) AS last
                    FROM model m LEFT JOIN result r ON r.model_id = m.id
                    GROUP BY m.id, r.kind ORDER BY m.id
                    """)
                var byID: [Int64: CachedModelStatistics] = [:]
                var order: [Int64] = []
                for row in rows {
                    let id: Int64 = row["id"]
                    if byID[id] == nil {
                        order.append(id)
                        byID[id] = CachedModelStatistics(
                            name: row["name"], source: row["source"], fingerprint: row["fingerprint"],
                            tokenizer: row["tokenizer"], resultsByKind: [:], bytes: 0, lastWritten: nil)
                    }
                    guard let kind: String = row["kind"] else { continue }
                    let count: Int = row["n"]
                    let bytes: Int = row["bytes"]
                    let last: Double? = row["last"]
                    byID[id]?.resultsByKind[kind] = count
                    byID[id]?.bytes += bytes
                    if let last {
                        let date = Date(timeIntervalSince1970: last)
                        if byID[id]?.lastWritten.map({ $0 < date }) ?? true { byID[id]?.lastWritten = date }
                    }
                }
                return order.compactMap { byID[$0] }.sorted {
                    ($0.lastWritten ?? .distantPast) > ($1.lastWritten ?? .distantPast)
                }
            }
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let fileBytes = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        return CacheStatistics(path: path, fileBytes: fileBytes, models: models)
    }

    /// Deletes every result; returns how many were deleted.
    @discardableResult
    public func clearAll() throws -> Int {
        try guarded("clearing") {
            let count = try pool.write { db -> Int in
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM result") ?? 0
                try db.execute(sql: "DELETE FROM result; DELETE FROM model;")
                return count
            }
            try compact()
            return count
        } after: { modelIDs.withLock { $0.removeAll() } }
    }

    /// Deletes the results of every model last loaded under `name`; returns how many were deleted.
    @discardableResult
    public func clear(modelNamed name: String) throws -> Int {
        try clearModels(where: "name = ?", [name], what: "clearing \(name)")
    }

    /// Deletes the results of exactly this model identity; returns how many were deleted.
    @discardableResult
    public func clear(model: ModelIdentity) throws -> Int {
        try clearModels(where: "fingerprint = ? AND source = ?", [model.fingerprint, model.source],
                        what: "clearing \(model.name)")
    }

    /// Number of results stored for `model` (all kinds).
    public func count(model: ModelIdentity) throws -> Int {
        try guarded("counting results of \(model.name)") {
            try pool.read { db -> Int in
                guard let id = try existingModelID(model, db) else { return 0 }
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM result WHERE model_id = ?", arguments: [id]) ?? 0
            }
        }
    }

    // MARK: Internals

    private func clearModels(where condition: String, _ arguments: StatementArguments, what: String) throws -> Int {
        try guarded(what) {
            let count = try pool.write { db -> Int in
                let count = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM result WHERE model_id IN (SELECT id FROM model WHERE \(condition))
                    """, arguments: arguments) ?? 0
                try db.execute(sql: "DELETE FROM model WHERE \(condition)", arguments: arguments)
                return count
            }
            try compact()
            return count
        } after: { modelIDs.withLock { $0.removeAll() } }
    }

    /// Gives the freed pages back to the file system: `cache clear` is how a user reclaims the disk, and SQLite
    /// otherwise keeps deleted pages (and the write-ahead log) for reuse.
    private func compact() throws {
        try pool.vacuum()
        try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
    }

    private func existingModelID(_ model: ModelIdentity, _ db: Database) throws -> Int64? {
        let key = ModelKey(fingerprint: model.fingerprint, source: model.source)
        if let id = modelIDs.withLock({ $0[key] }) { return id }
        return try Int64.fetchOne(db, sql: "SELECT id FROM model WHERE fingerprint = ? AND source = ?",
                                  arguments: [model.fingerprint, model.source])
    }

    private func upsertModel(_ model: ModelIdentity, _ db: Database) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO model (fingerprint, source, name, tokenizer) VALUES (?, ?, ?, ?)
            ON CONFLICT (fingerprint, source) DO UPDATE SET name = excluded.name, tokenizer = excluded.tokenizer
            """, arguments: [model.fingerprint, model.source, model.name, model.tokenizer])
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM model WHERE fingerprint = ? AND source = ?",
                                          arguments: [model.fingerprint, model.source]) else {
            throw ResultCacheError.database(path: path, action: "registering \(model.name)", reason: "row vanished")
        }
        modelIDs.withLock { $0[ModelKey(fingerprint: model.fingerprint, source: model.source)] = id }
        return id
    }

    private func guarded<T>(_ action: String, _ body: () throws -> T, after: () -> Void = {}) throws -> T {
        defer { after() }
        do {
            return try body()
        } catch let error as ResultCacheError {
            throw error
        } catch let error as DatabaseError {
            throw ResultCacheError.database(path: path, action: action, reason: error.message ?? "\(error)")
        } catch {
            throw ResultCacheError.database(path: path, action: action, reason: "\(error)")
        }
    }
}

/// One result's address within a model and kind: the exact input text and the parameters that shaped it.
public struct CacheKey: Hashable, Sendable {
    /// Canonical JSON of whatever besides the input changes the result (options, candidates); `""` for none.
    public var parameters: String
    /// The exact prompt or text, byte for byte.
    public var input: String

    public init(parameters: String = "", input: String) {
        self.parameters = parameters
        self.input = input
    }
}

/// What `cache` prints.
public struct CacheStatistics: Sendable {
    public var path: String
    public var fileBytes: Int64
    public var models: [CachedModelStatistics]

    public var totalResults: Int { models.reduce(0) { $0 + $1.totalResults } }
}

public struct CachedModelStatistics: Sendable {
    public var name: String
    public var source: String
    public var fingerprint: String
    public var tokenizer: String
    /// Number of results per ``ResultKind/rawValue``.
    public var resultsByKind: [String: Int]
    /// Bytes of inputs and outputs stored (without SQLite's overhead).
    public var bytes: Int
    public var lastWritten: Date?

    public var totalResults: Int { resultsByKind.values.reduce(0, +) }
}

public enum ResultCacheError: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, reason: String)
    case database(path: String, action: String, reason: String)
    /// A stored value no longer decodes (written by an incompatible version, or the file was edited).
    case undecodable(path: String, kind: String, input: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the results cache \(path): \(reason)"
        case .database(let path, let action, let reason): "results cache \(path): \(action) failed: \(reason)"
        case .undecodable(let path, let kind, let input, let reason):
            "results cache \(path): a stored \(kind) result for \(input.prefix(60).debugDescription) does not decode (\(reason)); run `cache clear`"
        }
    }
}
