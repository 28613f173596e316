import Foundation
import XCTest

/// Locations of test inputs, computed from this file's path so tests run from any working directory.
enum TestPaths {
    static let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// The team's read-only shared data (`../shared`).
    static let shared = repository.deletingLastPathComponent().appendingPathComponent("shared")
    static let fixtures = repository.appendingPathComponent("Tests/Fixtures/formats")

    /// The real SmolLM2 GGUF fetched by scripts/fetch-smollm2.sh.
    static let smolLM2 = FileManager.default.homeDirectoryForCurrentUser
        .appendingPathComponent(".cache/alignscope/models/SmolLM2-135M-Instruct.Q4_1.gguf")

    static func sharedFile(_ relative: String) -> URL { shared.appendingPathComponent(relative) }

    static func requireSmolLM2() throws -> URL {
        guard FileManager.default.fileExists(atPath: smolLM2.path) else {
            throw XCTSkip("SmolLM2 GGUF absent: run scripts/fetch-smollm2.sh")
        }
        return smolLM2
    }

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
