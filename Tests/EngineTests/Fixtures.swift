import Foundation
import XCTest
@testable import Engine
import ModelFormats
import TestSupport

/// Where the tests find the shared models and goldens, and the fetched SmolLM2 file.
enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = TestFiles.sharedDirectory
    static let models = shared.appendingPathComponent("models")
    static let goldens = models.appendingPathComponent("goldens")

    /// `url`, or a skip naming it when the reference data is not on this machine.
    static func require(_ url: URL) throws -> URL {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(url.path) not present (set ALIGNSCOPE_SHARED to the reference data)")
        }
        return url
    }

    static func json(_ url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: require(url))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func checkpoint(_ url: URL) throws -> Checkpoint {
        guard case .checkpoint(let checkpoint) = try ModelFiles.open(require(url)) else {
            throw XCTSkip("\(url.path) holds no weights")
        }
        return checkpoint
    }

    /// The fetched SmolLM2 GGUF, or a skip telling how to get it.
    static func smolLM2() throws -> URL {
        guard let path = DefaultModel.path else {
            throw XCTSkip("SmolLM2-135M-Instruct.Q4_1.gguf is not fetched: run scripts/fetch-smollm2.sh")
        }
        return URL(fileURLWithPath: path)
    }

    static func maxAbsoluteDifference(_ a: ArraySlice<Float>, _ b: [Double]) -> Double {
        zip(a, b).map { abs(Double($0) - $1) }.max() ?? .infinity
    }
}
