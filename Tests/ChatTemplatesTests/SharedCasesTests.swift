import ChatTemplates
import XCTest

/// Every case of ../shared/chat-templates/cases.json (rendered by Python jinja2 3.1.6 the way transformers
/// renders) must come out byte for byte, or fail with jinja2's error type and message.
final class SharedCasesTests: XCTestCase {
    func testEveryCaseRendersExactlyOrFailsAsJinja2Does() throws {
        let cases = try Fixtures.cases(in: Fixtures.casesFile)
        XCTAssertEqual(cases.count, 248, "cases.json should hold 248 cases")
        var failures: [String] = []
        var rendered = 0, failedAsExpected = 0
        for (index, value) in cases.enumerated() {
            let testCase = try TemplateCase(value: value)
            let label = "#\(index) \(testCase.name ?? "?") (generation prompt: \(testCase.addGenerationPrompt))"
            do {
                let text = try testCase.render()
                if let expected = testCase.expected, text == expected {
                    rendered += 1
                } else {
                    failures.append("\(label): rendered \(text.debugDescription), expected "
                        + (testCase.expected?.debugDescription ?? "error \(testCase.expectedError ?? "?")"))
                }
            } catch {
                if let expectedError = testCase.expectedError, error.pythonDescription == expectedError {
                    failedAsExpected += 1
                } else {
                    failures.append("\(label): failed with \(error.pythonDescription) [\(error)], expected "
                        + (testCase.expectedError ?? testCase.expected?.debugDescription ?? "?"))
                }
            }
        }
        XCTAssertEqual(failures, [], "\(failures.count) of \(cases.count) cases differ from jinja2:\n" + failures.joined(separator: "\n"))
        XCTAssertEqual(rendered + failedAsExpected, 248)
        XCTAssertEqual(failedAsExpected, 26, "cases.json has 26 expected errors")
    }

    /// The benchmark's bookkeeping (not its speed, which `alignscope-bench templates` reports).
    func testBenchmarkCountsWhatItTimes() throws {
        let cases = try Fixtures.cases(in: Fixtures.casesFile).prefix(8).map { try TemplateCase(value: $0) }
        let figures = TemplateBenchmark.run(Array(cases), repetitions: 1)
        XCTAssertEqual(figures.map(\.operation), ["parse", "render"])
        XCTAssertEqual(figures.map(\.count), [8, 8])
        XCTAssertEqual(figures[1].bytes, cases.compactMap(\.expected).reduce(0) { $0 + $1.utf8.count })
    }
}
