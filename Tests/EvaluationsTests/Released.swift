import Evaluations
import Synchronization
import TestSupport
import XCTest

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
