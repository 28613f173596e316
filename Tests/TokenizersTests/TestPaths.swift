import Foundation

/// Locations of test data, found from this file's own path (symlinks resolved, so the tests also run from
/// a development package of symlinks).
enum TestPaths {
    static let testsDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    /// The repository root.
    static let root = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    /// `../shared`: the project's read-only data.
    static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    static let sharedTokenizers = shared.appendingPathComponent("tokenizers")
    static let fixtures = root.appendingPathComponent("Tests/Fixtures/tokenizers")
}
