import ChatTemplates
import Foundation
import TestSupport
import XCTest

/// Locates the peer fixtures: ../shared (read-only, beside the checkout) and Tests/Fixtures (see ``TestFiles``).
enum Fixtures {
    static var casesFile: URL { TestFiles.sharedDirectory.appendingPathComponent("chat-templates/cases.json") }

    static var featuresFile: URL { TestFiles.fixturesDirectory.appendingPathComponent("chat-templates/features.json") }

    /// The `cases` array of a fixture file, parsed by the module's own JSON reader.
    static func cases(in file: URL) throws -> [Value] {
        let text = try String(contentsOf: file, encoding: .utf8)
        guard case .dict(let root) = try Value(json: text), case .list(let cases)? = root["cases"] else {
            throw XCTSkip("\(file.path) has no \"cases\" list")
        }
        return cases
    }
}

extension Value {
    /// A field of a JSON object, for tests.
    subscript(key: String) -> Value? {
        guard case .dict(let object) = self else { return nil }
        return object[key]
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
