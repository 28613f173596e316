import ChatTemplates
import Foundation
import InferenceAPI
import XCTest
@testable import Engine

/// A checkpoint without a chat template of its own runs with the study's template its name matches (issue 3:
/// "built in for checkpoints that lack one"); one that matches none says so instead of guessing.
final class BuiltinTemplateFallbackTests: XCTestCase {
    /// The tiny random Llama GGUF (real Llama 2 vocabulary, no `tokenizer.chat_template`) under another name.
    private func tinyLlama(namedAs fileName: String) throws -> EngineModel {
        let original = try Fixtures.require(Fixtures.models.appendingPathComponent("llama-2-tiny-random.gguf"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alignscope-template-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent(fileName)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: original)
        return try EngineModel(name: "tiny", path: link.path)
    }

    func testAZephyrNamedCheckpointRendersZephyrsTemplate() throws {
        let model = try tinyLlama(namedAs: "zephyr-7b-beta.Q8_0.gguf")
        XCTAssertNil(model.checkpoint.tokenizer.chatTemplate, "the fixture must lack a template of its own")
        XCTAssertEqual(model.builtinTemplate, .zephyr)
        let prompt = try model.chatPrompt([.system("Be brief."), .user("Which country?")], addGenerationPrompt: true)
        // HuggingFaceH4/zephyr-7b-beta's template, with this vocabulary's eos "</s>".
        XCTAssertEqual(prompt, "<|system|>\nBe brief.</s>\n<|user|>\nWhich country?</s>\n<|assistant|>\n")
    }

    func testALlama2ChatNamedCheckpointRendersLlama2Chat() throws {
        let model = try tinyLlama(namedAs: "Llama-2-7b-chat-hf.gguf")
        XCTAssertEqual(model.builtinTemplate, .llama2Chat)
        let prompt = try model.chatPrompt([.user("Hi")], addGenerationPrompt: true)
        XCTAssertEqual(prompt, "<s>[INST] Hi [/INST]")
    }

    func testANameMatchingNoTemplateIsRefusedWithTheChoices() throws {
        let model = try tinyLlama(namedAs: "llama-2-tiny-random.gguf")
        XCTAssertNil(model.builtinTemplate)
        XCTAssertThrowsError(try model.chatPrompt([.user("Hi")], addGenerationPrompt: true)) { error in
            XCTAssertTrue("\(error)".contains("matches none of the study's built-in ones"), "\(error)")
        }
    }
}
