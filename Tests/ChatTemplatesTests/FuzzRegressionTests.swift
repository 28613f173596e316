import ChatTemplates
import Foundation
import XCTest
import TestSupport

/// Every input the fuzzer (Fuzz/Sources/FuzzChatTemplate) ever crashed on is kept in Fuzz/Crashers/chat-template
/// and replayed here the way the fuzz target runs it: it must now parse-and-render or fail with a TemplateError.
final class FuzzRegressionTests: XCTestCase {
    static let crashers = TestFiles.repositoryRoot.appendingPathComponent("Fuzz/Crashers/chat-template")

    /// The fuzz target's conversation and limits.
    static let options = RenderOptions(
        clock: .fixed(TemplateDateTime(year: 2024, month: 7, day: 26, hour: 14, minute: 30, second: 5)),
        limits: RenderLimits(maximumSteps: 20_000, maximumStringBytes: 1 << 20, maximumItems: 100_000, maximumValueSteps: 200_000))
    static let context: [String: Value] = [
        "messages": [
            ["role": "system", "content": "You are terse."],
            ["role": "user", "content": "Hi <there> ¿qué? 你好 😀"],
            ["role": "assistant", "content": "  Hello!  ",
             "tool_calls": [["id": "call12345", "type": "function",
                             "function": ["name": "get_weather", "arguments": ["city": "Paris"]]]]],
            ["role": "tool", "content": "{\"temp\": 21.5}", "tool_call_id": "call12345"],
            ["role": "user", "content": "Thanks"],
        ],
        "tools": [["type": "function", "function": ["name": "get_weather", "description": "Weather for a city",
                                                    "parameters": ["type": "object", "properties": ["city": ["type": "string"]]]]]],
        "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>",
        "numbers": [0, 1, -7, 2.5, true, .none],
    ]

    func testCrashersNoLongerCrash() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Self.crashers, includingPropertiesForKeys: nil)
        XCTAssertFalse(files.isEmpty, "no crashers found in \(Self.crashers.path)")
        for file in files.sorted(by: { $0.path < $1.path }) {
            let bytes = try Data(contentsOf: file)
            if bytes.first == 0 {
                let testCase = try? TemplateCase(json: String(decoding: bytes.dropFirst(), as: UTF8.self))
                _ = try? testCase?.render(options: Self.options)
            } else if let template = try? ChatTemplate(source: String(decoding: bytes, as: UTF8.self), name: file.lastPathComponent) {
                _ = try? template.render(context: Self.context, options: Self.options)
            }
        }
    }
}
