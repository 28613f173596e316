import Foundation
import XCTest
@testable import ModelFormats

final class ModelConfigTests: XCTestCase {
    func config(_ name: String) throws -> ModelConfig {
        try ModelConfig(contentsOf: TestPaths.fixtures.appendingPathComponent("configs/\(name)"))
    }

    func testTinyRandomLlamaWithRopeParameters() throws {
        let config = try ModelConfig(contentsOf: TestPaths.sharedFile("models/tiny-random-llama/config.json"))
        XCTAssertEqual(config.architecture, .llama)
        XCTAssertEqual(config.head, .languageModel)
        XCTAssertEqual(config.hiddenSize, 64)
        XCTAssertEqual(config.intermediateSize, 172)
        XCTAssertEqual(config.layerCount, 2)
        XCTAssertEqual(config.attentionHeadCount, 8)
        XCTAssertEqual(config.keyValueHeadCount, 4)
        XCTAssertEqual(config.headDimension, 8)
        XCTAssertEqual(config.contextLength, 128)
        XCTAssertEqual(config.ropeTheta, 10000)
        XCTAssertEqual(config.ropeScaling, .none)
        XCTAssertEqual(config.rmsNormEpsilon, 1e-5)
        XCTAssertFalse(config.tieWordEmbeddings)
        XCTAssertEqual(config.bosTokenID, 1)
        XCTAssertEqual(config.eosTokenIDs, [2])
        XCTAssertNil(config.padTokenID)
        // The parameter count equals the sum of the safetensors tensors' elements.
        let file = try SafetensorsFile(contentsOf: TestPaths.sharedFile("models/tiny-random-llama/model.safetensors"))
        XCTAssertEqual(config.parameterCount, file.tensors.map(\.elementCount).reduce(0, +))
    }

    func testSequenceClassificationRewardModel() throws {
        let config = try ModelConfig(contentsOf: TestPaths.sharedFile("models/tiny-random-llama-rm/config.json"))
        XCTAssertEqual(config.head, .sequenceClassification(labels: 1))
        XCTAssertEqual(config.padTokenID, 0)
        let file = try SafetensorsFile(contentsOf: TestPaths.sharedFile("models/tiny-random-llama-rm/model.safetensors"))
        XCTAssertEqual(config.parameterCount, file.tensors.map(\.elementCount).reduce(0, +))
    }

    func testMistralSlidingWindow() throws {
        let config = try config("mistral-7b-v0.1.json")
        XCTAssertEqual(config.architecture, .mistral)
        XCTAssertEqual(config.slidingWindow, 4096)
        XCTAssertEqual(config.keyValueHeadCount, 8)
        XCTAssertEqual(config.headDimension, 128)
        XCTAssertEqual(config.torchDType, "bfloat16")
        XCTAssertFalse(config.attentionQKVBias)
        XCTAssertEqual(config.parameterCount, 7_241_732_096)  // Mistral-7B-v0.1's published count
    }

    func testQwen2Biases() throws {
        let config = try config("qwen1.5-7b-chat.json")
        XCTAssertEqual(config.architecture, .qwen2)
        XCTAssertTrue(config.attentionQKVBias)
        XCTAssertFalse(config.attentionOutputBias)
        XCTAssertNil(config.slidingWindow, "use_sliding_window is false")
        XCTAssertEqual(config.ropeTheta, 1_000_000)
        XCTAssertEqual(config.eosTokenIDs, [151645])
    }

    func testLlama3RopeScalingAndEOSList() throws {
        let config = try config("llama-3.1-8b-instruct.json")
        XCTAssertEqual(config.ropeScaling, .llama3(factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalContextLength: 8192))
        XCTAssertEqual(config.eosTokenIDs, [128001, 128008, 128009])
        XCTAssertEqual(config.ropeTheta, 500_000)
        XCTAssertEqual(config.parameterCount, 8_030_261_248)  // Llama-3.1-8B's published count
    }

    func testLinearScalingInRopeParameters() throws {
        let config = try config("linear-rope-params.json")
        XCTAssertEqual(config.ropeScaling, .linear(factor: 4))
        XCTAssertTrue(config.tieWordEmbeddings)
    }

    func testStarlingRewardModelConfig() throws {
        let config = try config("starling-rm-7b-alpha.json")
        XCTAssertEqual(config.head, .languageModel, "the value head is detected from the tensors, not config.json")
        XCTAssertEqual(config.ropeScaling, .none)
        XCTAssertEqual(config.padTokenID, 0)
    }

    func testGenerationConfig() throws {
        let generation = try GenerationConfig(contentsOf: TestPaths.sharedFile("models/tiny-random-llama/generation_config.json"))
        XCTAssertEqual(generation.bosTokenID, 1)
        XCTAssertEqual(generation.eosTokenIDs, [2])
        XCTAssertNil(generation.temperature)
    }

    func testSmolLM2GGUFMetadataMatchesItsConfigJSON() throws {
        let gguf = try GGUFFile(contentsOf: TestPaths.requireSmolLM2())
        var fromGGUF = try ModelConfig(gguf: gguf)
        let fromJSON = try ModelConfig(contentsOf: TestPaths.sharedFile("tokenizers/smollm2/config.json"))
        XCTAssertEqual(fromGGUF.hiddenSize, 576)
        XCTAssertEqual(fromGGUF.ropeTheta, 100_000)
        XCTAssertTrue(fromGGUF.tieWordEmbeddings)
        // Only what GGUF does not carry may differ: the saved dtype.
        fromGGUF.torchDType = fromJSON.torchDType
        XCTAssertEqual(fromGGUF, fromJSON)
        XCTAssertEqual(fromGGUF.parameterCount, 134_515_008)  // SmolLM2-135M
    }

    func testUnsupportedAndMalformedConfigsNameTheKey() throws {
        let cases: [(String, String, FormatError.Kind)] = [
            (#"{"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"]}"#, "model_type", .unsupported),
            (#"{"model_type": "llama", "hidden_size": 64}"#, "intermediate_size", .malformedJSON),
            (#"{"model_type": "llama", "hidden_size": -4, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 4}"#, "hidden_size", .malformedJSON),
            (#"{"model_type": "llama", "hidden_size": 64, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 8, "num_key_value_heads": 3, "vocab_size": 4}"#, "num_key_value_heads", .inconsistent),
            (#"{"model_type": "llama", "hidden_size": 64, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 8, "vocab_size": 4, "rope_scaling": {"type": "yarn", "factor": 2}}"#, "rope_scaling.rope_type", .unsupported),
            (#"{"model_type": "llama", "hidden_size": 64, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 8, "vocab_size": 4, "rope_parameters": {"rope_type": "linear"}}"#, "rope_parameters.factor", .malformedJSON),
            (#"{"model_type": "llama", "hidden_size": 64, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 8, "vocab_size": 4, "eos_token_id": "two"}"#, "eos_token_id", .malformedJSON),
        ]
        for (json, key, kind) in cases {
            let object = try CheckpointJSON.object(Array(json.utf8), file: "config.json")
            XCTAssertThrowsError(try ModelConfig(json: object, file: "config.json"), json) { error in
                let error = error as? FormatError
                XCTAssertEqual(error?.place, .key(key), "\(String(describing: error))")
                XCTAssertEqual(error?.kind, kind, "\(String(describing: error))")
            }
        }
    }
}
