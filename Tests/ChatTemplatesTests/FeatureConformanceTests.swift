import ChatTemplates
import XCTest

/// The feature probes of Tests/Fixtures/chat-templates/features.json (scripts/fixtures/chat_template_features.py
/// rendered them with jinja2 3.1.6 in transformers' configuration): whitespace control, literals, scoping,
/// undefined semantics, operators, slicing, loops, macros, every filter and test, methods, globals, errors.
final class FeatureConformanceTests: XCTestCase {
    func testEveryFeatureProbeMatchesJinja2() throws {
        let cases = try Fixtures.cases(in: Fixtures.featuresFile)
        XCTAssertGreaterThan(cases.count, 300)
        var failures: [String] = []
        for value in cases {
            guard let name = value["name"]?.stringValue, let source = value["template"]?.stringValue,
                  case .dict(let contextObject)? = value["context"] else {
                failures.append("malformed fixture entry")
                continue
            }
            var context: [String: Value] = [:]
            for (key, item) in contextObject.pairs { if let key = key.stringValue { context[key] = item } }
            let options = RenderOptions(clock: .fixed(TemplateDateTime(year: 2024, month: 7, day: 26, hour: 14, minute: 30, second: 5)))
            let outcome: Result<String, TemplateError>
            do {
                let template = try ChatTemplate(source: source, name: name)
                outcome = .success(try template.render(context: context, options: options))
            } catch {
                outcome = .failure(error)
            }
            switch (outcome, value["expected"]?.stringValue, value["expected_error"]?.stringValue) {
            case (.success(let text), let expected?, _) where text == expected:
                continue
            case (.failure(let error), _, let expectedError?):
                // Syntax errors are worded here with their own line:column; the class of error must agree.
                if name.hasPrefix("syntax/") {
                    if [.syntax, .unknownName, .unsupported].contains(error.kind) { continue }
                } else if error.pythonDescription == expectedError {
                    continue
                }
                failures.append("\(name): \(error.pythonDescription) [\(error)], expected \(expectedError)")
            case (.success(let text), _, let expectedError):
                failures.append("\(name): rendered \(text.debugDescription), expected "
                    + (value["expected"]?.stringValue?.debugDescription ?? "error \(expectedError ?? "?")"))
            case (.failure(let error), let expected, _):
                failures.append("\(name): failed with \(error.pythonDescription) [\(error)], expected \(expected?.debugDescription ?? "?")")
            }
        }
        XCTAssertEqual(failures, [], "\(failures.count) of \(cases.count) probes differ from jinja2:\n" + failures.joined(separator: "\n"))
    }
}
