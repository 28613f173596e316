import Foundation
import XCTest

/// Where tests find their inputs, located from this file's real path (symlinks resolved, so the tests also run
/// from a development package of symlinks): the checkout, `../shared` beside it (the team's read-only reference
/// data, which tests may read and the product never needs) and `Tests/Fixtures`.
public enum TestFiles {
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The team's reference data: `$ALIGNSCOPE_SHARED` if set, else `../shared` beside the checkout, else
    /// `/work/shared` (where it lives on the project's machines, so a clone anywhere else still finds it).
    /// Tests that need a file from it and do not find it skip, saying which file.
    public static let sharedDirectory: URL = {
        if let given = ProcessInfo.processInfo.environment["ALIGNSCOPE_SHARED"], !given.isEmpty {
            return URL(fileURLWithPath: given)
        }
        let beside = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        let machine = URL(fileURLWithPath: "/work/shared")
        return [beside, machine].first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("PAPER.md").path) }
            ?? beside
    }()

    /// A file under ``sharedDirectory``, or a skip naming it when the reference data is not on this machine.
    public static func requireShared(_ relative: String) throws -> URL {
        let url = sharedDirectory.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(url.path) not present (set ALIGNSCOPE_SHARED to the reference data)")
        }
        return url
    }
    public static let fixturesDirectory = repositoryRoot.appendingPathComponent("Tests/Fixtures")
    /// The data the product bundles (`Datasets/`).
    public static let datasetsDirectory = repositoryRoot.appendingPathComponent("Datasets")

    /// The real SmolLM2 GGUF that scripts/fetch-smollm2.sh puts in `$ALIGNSCOPE_HOME/models` (default
    /// `~/.cache/alignscope/models`) — the rule of `Engine.DefaultModel.home`, restated because this target
    /// links no product module. Read when first used, so a test process's own `ALIGNSCOPE_HOME` counts.
    public static var smolLM2: URL {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["ALIGNSCOPE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/alignscope")
        return home.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")
    }

    /// The SmolLM2 GGUF, or a skip that says how to fetch it.
    public static func requireSmolLM2() throws -> URL {
        guard FileManager.default.fileExists(atPath: smolLM2.path) else {
            throw XCTSkip("SmolLM2 GGUF absent: run scripts/fetch-smollm2.sh")
        }
        return smolLM2
    }
}

/// The same places as path strings, with the helpers of tests whose readers take paths (the data readers).
public enum Paths {
    public static let repository = TestFiles.repositoryRoot
    public static let shared = TestFiles.sharedDirectory.path
    public static let datasets = TestFiles.datasetsDirectory.path

    public static func sharedData(_ relative: String) -> String { shared + "/data/" + relative }

    /// `../shared/data/<relative>`, or a skip when it is not there.
    public static func requireShared(_ relative: String) throws -> String {
        let path = sharedData(relative)
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(path) not present") }
        return path
    }

    /// A fresh temporary directory for a test's files.
    public static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    public static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}
