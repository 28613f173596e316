import ChatTemplates
import FuzzDriver

/// Chat templates: any text is lexed, parsed and name-checked; whatever parses is rendered against a
/// conversation with tools (the variables transformers passes), under tight limits so each input finishes fast.
/// An input whose first byte is NUL is read instead as a cases.json-style case object (the JSON reader and the
/// `template render CASE.json` path).
let options = RenderOptions(
    clock: .fixed(TemplateDateTime(year: 2024, month: 7, day: 26, hour: 14, minute: 30, second: 5)),
    limits: RenderLimits(maximumSteps: 20_000, maximumStringBytes: 1 << 20, maximumItems: 100_000, maximumValueSteps: 200_000))

let tool: Value = [
    "type": "function",
    "function": ["name": "get_weather", "description": "Weather for a city",
                 "parameters": ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]],
]
let context: [String: Value] = [
    "messages": [
        ["role": "system", "content": "You are terse."],
        ["role": "user", "content": "Hi <there> ¿qué? 你好 😀"],
        ["role": "assistant", "content": "  Hello!  ",
         "tool_calls": [["id": "call12345", "type": "function",
                         "function": ["name": "get_weather", "arguments": ["city": "Paris"]]]]],
        ["role": "tool", "content": "{\"temp\": 21.5}", "tool_call_id": "call12345"],
        ["role": "user", "content": "Thanks"],
    ],
    "tools": [tool],
    "add_generation_prompt": true,
    "bos_token": "<s>",
    "eos_token": "</s>",
    "numbers": [0, 1, -7, 2.5, true, .none],
]

runFuzzer { input in
    if input.first == 0 {
        let json = String(decoding: input.dropFirst(), as: UTF8.self)
        guard let testCase = try? TemplateCase(json: json) else { return }
        _ = try? testCase.render(options: options)
        return
    }
    let source = String(decoding: input, as: UTF8.self)
    guard let template = try? ChatTemplate(source: source, name: "fuzz") else { return }
    _ = try? template.render(context: context, options: options)
}
