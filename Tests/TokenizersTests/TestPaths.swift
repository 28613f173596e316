import Foundation
import TestSupport

/// The tokenizer tests' inputs: `../shared/tokenizers` and `Tests/Fixtures/tokenizers` (see ``TestFiles``).
enum TestPaths {
    static let root = TestFiles.repositoryRoot
    static let shared = TestFiles.sharedDirectory
    static let sharedTokenizers = shared.appendingPathComponent("tokenizers")
    static let fixtures = TestFiles.fixturesDirectory.appendingPathComponent("tokenizers")
}
