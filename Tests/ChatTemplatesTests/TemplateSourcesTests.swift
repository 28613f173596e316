import ChatTemplates
import Foundation
import XCTest

/// Where templates come from: tokenizer_config.json (one template or several named ones), chat_template.jinja,
/// and the study's built-in templates.
final class TemplateSourcesTests: XCTestCase {
    private var shared: URL { Fixtures.casesFile.deletingLastPathComponent().deletingLastPathComponent() }

    func testSmolLM2ChatTemplateGivesTransformersPrompt() throws {
        let directory = shared.appendingPathComponent("tokenizers/smollm2")
        let config = try ChatTemplateConfig(
            tokenizerConfigJSON: try String(contentsOf: directory.appendingPathComponent("tokenizer_config.json"), encoding: .utf8),
            chatTemplateFile: try String(contentsOf: directory.appendingPathComponent("chat_template.jinja"), encoding: .utf8))
        XCTAssertEqual(config.bosToken, "<|im_start|>")
        XCTAssertEqual(config.eosToken, "<|im_end|>")
        XCTAssertEqual(config.specialTokens["unk_token"]?.stringValue, "<|endoftext|>")
        let template = try XCTUnwrap(try config.template())
        let prompt = try template.render(messages: [ChatTurn(role: "user", content: "What is 2+2?")], addGenerationPrompt: true,
                                         bosToken: config.bosToken, eosToken: config.eosToken,
                                         extra: config.transformersVariables())
        // The prompt transformers built for the SmolLM2 goldens (../shared/models/goldens/smollm2-golden.json).
        let goldens = try String(contentsOf: shared.appendingPathComponent("models/goldens/smollm2-golden.json"), encoding: .utf8)
        guard case .list(let cases)? = try Value(json: goldens)["cases"] else { return XCTFail("no goldens") }
        let chatPrompts = cases.compactMap { $0["prompt"]?.stringValue }.filter { $0.contains("<|im_start|>user") }
        XCTAssertEqual(chatPrompts, [prompt])
    }

    func testNamedTemplatesAndTokenObjects() throws {
        let json = #"""
        {"bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false}, "eos_token": "</s>",
         "additional_special_tokens": ["<extra_0>", {"content": "<extra_1>"}],
         "model_max_length": 1000000000000000019884624838656,
         "chat_template": [{"name": "default", "template": "D{{ bos_token }}{{ additional_special_tokens[1] }}"},
                           {"name": "tool_use", "template": "T{{ tools | length }}"}]}
        """#
        let config = try ChatTemplateConfig(tokenizerConfigJSON: json)
        XCTAssertEqual(config.bosToken, "<s>")
        XCTAssertEqual(Set(config.templates.keys), ["default", "tool_use"])
        XCTAssertEqual(config.source(), "D{{ bos_token }}{{ additional_special_tokens[1] }}")
        XCTAssertEqual(config.source(withTools: true), "T{{ tools | length }}")
        XCTAssertNil(config.source(named: "rag"))
        let plain = try XCTUnwrap(try config.template())
        XCTAssertEqual(try plain.render(context: config.transformersVariables()), "D<s><extra_1>")
        let tools = try XCTUnwrap(try config.template(withTools: true))
        XCTAssertEqual(try tools.render(context: config.transformersVariables(tools: [["type": "function"]])), "T1")
        // As in transformers, tools and documents are passed as None when absent: defined, but none.
        let variables = config.transformersVariables()
        let probe = try ChatTemplate(source: "{{ tools is defined }} {{ tools is none }} {{ documents is none }}")
        XCTAssertEqual(try probe.render(context: variables), "True True True")
        XCTAssertThrowsError(try ChatTemplateConfig(tokenizerConfigJSON: #"{"chat_template": 3}"#))
        XCTAssertNil(try ChatTemplateConfig(tokenizerConfigJSON: "{}").template())
    }

    func testBuiltinTemplatesAreTheStudyModelsOwn() throws {
        let cases = try Fixtures.cases(in: Fixtures.casesFile).map { try TemplateCase(value: $0) }
        func source(of model: String) -> String? { cases.first { $0.name == model }?.template }
        XCTAssertEqual(BuiltinTemplate.llama2Chat.source, source(of: "meta-llama/Llama-2-7b-chat-hf"))
        XCTAssertEqual(BuiltinTemplate.tulu2.source, source(of: "allenai/tulu-2-dpo-7b"))
        XCTAssertEqual(BuiltinTemplate.zephyr.source, source(of: "HuggingFaceH4/zephyr-7b-beta"))
        XCTAssertEqual(BuiltinTemplate.openchat.source, source(of: "openchat/openchat_3.5 and berkeley-nest/Starling-LM-7B-alpha"))
        XCTAssertEqual(BuiltinTemplate.chatml.source, source(of: "teknium/OpenHermes-2.5-Mistral-7B"))
        for builtin in BuiltinTemplate.allCases { XCTAssertNoThrow(try builtin.template(), builtin.rawValue) }

        XCTAssertEqual(BuiltinTemplate.matching(model: "/models/Llama-2-7b-chat-hf"), .llama2Chat)
        XCTAssertEqual(BuiltinTemplate.matching(model: "allenai/tulu-2-dpo-7b"), .tulu2)
        XCTAssertEqual(BuiltinTemplate.matching(model: "zephyr-7b-beta"), .zephyr)
        XCTAssertEqual(BuiltinTemplate.matching(model: "berkeley-nest/Starling-LM-7B-alpha"), .openchat)
        XCTAssertNil(BuiltinTemplate.matching(model: "mistralai/Mistral-7B-v0.1"))
    }

    func testStarlingPromptAsThePaperQueriesIt() throws {
        let prompt = try BuiltinTemplate.openchat.template().render(
            messages: [ChatTurn(role: "user", content: "Where are you from?")], addGenerationPrompt: true,
            bosToken: BuiltinTemplate.openchat.bosToken, eosToken: BuiltinTemplate.openchat.eosToken)
        XCTAssertEqual(prompt, "<s>GPT4 Correct User: Where are you from?<|end_of_turn|>GPT4 Correct Assistant:")
    }

    func testCaseContractRendersExtraKeysAsVariables() throws {
        let json = #"{"template": "{{ bos_token }}{{ tools[0].name }} {{ strftime_now('%d %b %Y') }}{{ eos_token }}", "#
            + #""bos_token": "<s>", "eos_token": "</s>", "messages": [], "tools": [{"name": "search"}]}"#
        XCTAssertEqual(try TemplateCase(json: json).render(), "<s>search 26 Jul 2024</s>")
        XCTAssertThrowsError(try TemplateCase(json: #"{"messages": []}"#)) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "the template case has no \"template\"")
        }
        XCTAssertThrowsError(try TemplateCase(json: #"{"template": "x", "messages": [], "add_generation_prompt": "yes"}"#))
    }

    func testConversationFiles() throws {
        let list = try ConversationFile(json: #"[{"role": "user", "content": "Hi"}]"#)
        XCTAssertEqual(list.messages.count, 1)
        XCTAssertTrue(list.variables.isEmpty)
        let object = try ConversationFile(json: #"{"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}], "tools": []}"#)
        XCTAssertEqual(Array(object.variables.keys), ["tools"])
        XCTAssertThrowsError(try ConversationFile(json: #"[{"content": "no role"}]"#)) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "message 1 needs a \"role\" string")
        }
        XCTAssertThrowsError(try ConversationFile(json: "[1,")) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "invalid JSON at 1:4: unexpected end of input")
        }
    }
}
