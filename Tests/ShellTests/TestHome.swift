import Foundation

/// Keeps every test off the user's results cache: `ALIGNSCOPE_HOME` points at a fresh directory of this test
/// process — set before the first in-process shell or `alignscope` child, inherited by the children — whose
/// `models/` links to the real one, so the fetched SmolLM2 is still found.
enum TestHome {
    static let path: String = {
        let environment = ProcessInfo.processInfo.environment
        let real = environment["ALIGNSCOPE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/alignscope").path
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-home-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try? FileManager.default.createSymbolicLink(atPath: home + "/models", withDestinationPath: real + "/models")
        setenv("ALIGNSCOPE_HOME", home, 1)
        atexit { _ = try? FileManager.default.removeItem(atPath: TestHome.path) }
        return home
    }()

    /// Call before anything may open the results cache.
    static func isolate() { _ = path }

    /// A further fresh home (same models), for a test that needs a cache of its own.
    static func fresh() -> String {
        let home = path + "/fresh-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try? FileManager.default.createSymbolicLink(atPath: home + "/models", withDestinationPath: path + "/models")
        return home
    }
}
