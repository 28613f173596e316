import ChatTemplates
import Foundation
import XCTest

/// Optional: 70 real-world templates (llama.cpp's models/templates, from the llama-cpp-python sdist) × 5
/// conversations × generation prompt on/off, against jinja2. Runs when
/// `python3 scripts/fixtures/chat_template_crosscheck.py` has written its file; skips otherwise.
final class LlamaCppTemplatesCrossCheckTests: XCTestCase {
    func testRealWorldTemplatesMatchJinja2() throws {
        let file = FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/alignscope/crosscheck/chat-templates-llamacpp.json")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw XCTSkip("run scripts/fixtures/chat_template_crosscheck.py to cross-check real-world templates")
        }
        let root = try Value(json: try String(contentsOf: file, encoding: .utf8))
        guard case .dict(let sources)? = root["templates"], case .list(let cases)? = root["cases"] else {
            return XCTFail("malformed \(file.path)")
        }
        var parsed: [String: Result<ChatTemplate, TemplateError>] = [:]
        for (key, value) in sources.pairs {
            guard let name = key.stringValue, let source = value.stringValue else { continue }
            do { parsed[name] = .success(try ChatTemplate(source: source, name: name)) } catch { parsed[name] = .failure(error) }
        }
        var failures: [String] = []
        var matched = 0
        for entry in cases {
            guard let label = entry["name"]?.stringValue, let name = entry["template"]?.stringValue,
                  case .dict(let contextObject)? = entry["context"], let template = parsed[name] else {
                failures.append("malformed entry")
                continue
            }
            var context: [String: Value] = [:]
            for (key, value) in contextObject.pairs { if let key = key.stringValue { context[key] = value } }
            let options = RenderOptions(clock: .fixed(TemplateDateTime(year: 2024, month: 7, day: 26, hour: 14, minute: 30, second: 5)))
            let outcome = template.flatMap { template in
                Result { () throws(TemplateError) -> String in try template.render(context: context, options: options) }
            }
            switch (outcome, entry["expected"]?.stringValue, entry["expected_error"]?.stringValue) {
            case (.success(let text), let expected?, _) where text == expected:
                matched += 1
            case (.failure(let error), _, let expected?) where error.pythonDescription == expected
                || (expected.hasPrefix("TemplateSyntaxError") && error.kind == .syntax):
                matched += 1
            case (.success(let text), let expected, let expectedError):
                failures.append("\(label): rendered \(text.debugDescription.prefix(300)), expected "
                    + (expected.map { String($0.debugDescription.prefix(300)) } ?? expectedError ?? "?"))
            case (.failure(let error), let expected, let expectedError):
                failures.append("\(label): \(error.pythonDescription) [\(error)], expected "
                    + (expectedError ?? expected.map { String($0.debugDescription.prefix(300)) } ?? "?"))
            }
        }
        XCTAssertEqual(failures, [], "\(failures.count) of \(cases.count) renderings differ from jinja2:\n" + failures.joined(separator: "\n"))
        XCTAssertEqual(matched, cases.count)
        XCTAssertGreaterThanOrEqual(parsed.count, 70)
    }
}
