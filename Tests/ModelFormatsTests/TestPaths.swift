import Foundation
import TestSupport

/// The model-file tests' inputs: `Tests/Fixtures/formats` and `../shared` (see ``TestFiles``).
enum TestPaths {
    static let repository = TestFiles.repositoryRoot
    static let shared = TestFiles.sharedDirectory
    static let fixtures = TestFiles.fixturesDirectory.appendingPathComponent("formats")
    static let smolLM2 = TestFiles.smolLM2

    static func sharedFile(_ relative: String) -> URL { shared.appendingPathComponent(relative) }

    static func requireSmolLM2() throws -> URL { try TestFiles.requireSmolLM2() }

    static func json(_ url: URL) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    }

    /// A fresh scratch directory for files a test writes.
    static func scratchDirectory(_ name: String = #function) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("alignscope-formats-tests-\(getpid())")
            .appendingPathComponent(name.filter { $0.isLetter || $0.isNumber })
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
