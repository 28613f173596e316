import ChatTemplates
import Foundation
import XCTest

/// Locates the peer fixtures: ../shared (read-only, beside the checkout) and Tests/Fixtures.
enum Fixtures {
    /// This file, with symlinks resolved (the module may be built from a package of symlinks).
    static let testsDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()

    static var casesFile: URL {
        testsDirectory.appendingPathComponent("../../../shared/chat-templates/cases.json").standardizedFileURL
    }

    static var featuresFile: URL {
        testsDirectory.appendingPathComponent("../Fixtures/chat-templates/features.json").standardizedFileURL
    }

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
