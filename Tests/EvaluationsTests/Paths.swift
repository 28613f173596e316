import Foundation
import XCTest

/// Locations of test data: `../shared` (read-only reference data) and the repository's `Datasets/`.
enum Paths {
    /// The repository root, found from this file's real location (the dev package links to it).
    static let repository: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let shared = repository.deletingLastPathComponent().appendingPathComponent("shared").path
    static let datasets = repository.appendingPathComponent("Datasets").path

    static func sharedData(_ relative: String) -> String { shared + "/data/" + relative }

    /// Skips the test when `../shared` is not there (the product never needs it).
    static func requireShared(_ relative: String) throws -> String {
        let path = sharedData(relative)
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(path) not present") }
        return path
    }

    /// A fresh temporary directory for a test's files.
    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}

import Evaluations
import Synchronization

/// Released outputs imported once per test run (several tests read the same files).
enum Released {
    private static let cache = Mutex<[String: any AnalysisResult]>([:])

    static func result(_ relative: String) throws -> any AnalysisResult {
        let path = Paths.datasets + "/paper-outputs/" + relative
        if let cached = cache.withLock({ $0[path] }) { return cached }
        let result = try Importer.import(file: path)
        cache.withLock { $0[path] = result }
        return result
    }

    static func result<T>(_ relative: String, as type: T.Type) throws -> T {
        let result = try result(relative)
        return try XCTUnwrap(result as? T, "\(relative) imported as \(Swift.type(of: result))")
    }
}
