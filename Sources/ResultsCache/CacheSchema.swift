internal import GRDB

/// The cache's tables, versioned: each release that changes them appends a migration, never edits one, so a
/// cache file written by an older AlignScope is upgraded in place instead of being thrown away.
enum CacheSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: models and results") { db in
            // One row per model identity. `name` and `tokenizer` are refreshed on every use; the key is what
            // produces the numbers: the weights' fingerprint and where they were read from.
            try db.execute(sql: """
                CREATE TABLE model (
                    id          INTEGER PRIMARY KEY,
                    fingerprint TEXT NOT NULL,
                    source      TEXT NOT NULL,
                    name        TEXT NOT NULL,
                    tokenizer   TEXT NOT NULL,
                    UNIQUE (fingerprint, source)
                );
                CREATE TABLE result (
                    model_id    INTEGER NOT NULL REFERENCES model(id) ON DELETE CASCADE,
                    kind        TEXT NOT NULL,
                    parameters  TEXT NOT NULL,
                    input       TEXT NOT NULL,
                    output      BLOB NOT NULL,
                    created_at  REAL NOT NULL,
                    UNIQUE (model_id, kind, parameters, input)
                );
                """)
        }
        return migrator
    }
}
