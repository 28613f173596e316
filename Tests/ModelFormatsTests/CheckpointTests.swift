import Foundation
import Kernels
import XCTest
@testable import ModelFormats

final class CheckpointTests: XCTestCase {
    func open(_ url: URL) throws -> Checkpoint {
        guard case .checkpoint(let checkpoint) = try ModelFiles.open(url) else {
            throw XCTSkip("expected a checkpoint at \(url.path)")
        }
        return checkpoint
    }

    func testSmolLM2GGUFUnderHuggingFaceNames() throws {
        let checkpoint = try open(TestPaths.requireSmolLM2())
        XCTAssertEqual(checkpoint.format, .gguf)
        XCTAssertEqual(checkpoint.ropeLayout, .interleaved)
        let q = try XCTUnwrap(checkpoint.tensor("model.layers.0.self_attn.q_proj.weight"))
        XCTAssertEqual(q.type, .quantized(.q4_1))
        XCTAssertEqual(q.shape, [576, 576])
        let k = try XCTUnwrap(checkpoint.tensor("model.layers.29.self_attn.k_proj.weight"))
        XCTAssertEqual(k.shape, [192, 576])
        let down = try XCTUnwrap(checkpoint.tensor("model.layers.3.mlp.down_proj.weight"))
        XCTAssertEqual(down.shape, [576, 1536])
        XCTAssertEqual(checkpoint.tensor("model.embed_tokens.weight")?.type, .quantized(.q8_0))
        XCTAssertEqual(checkpoint.tensor("model.norm.weight")?.type, .f32)
        XCTAssertNil(checkpoint.tensor("lm_head.weight"), "tied")
        XCTAssertNotNil(checkpoint.tokenizer.gguf)
        XCTAssertFalse(checkpoint.tokenizer.isEmpty)
        guard case .gguf = checkpoint.tokenizer.chatTemplate?.origin else { return XCTFail("template from GGUF metadata") }

        // The bytes are the file's: the golden blocks at their recorded offsets dequantise to the golden values.
        let golden = try XCTUnwrap(TestPaths.json(TestPaths.sharedFile("models/goldens/smollm2-quant-blocks.json")) as? [String: Any])
        for entry in try XCTUnwrap(golden["tensors"] as? [[String: Any]]) {
            let name = TensorNaming.huggingFaceName(forGGUF: try XCTUnwrap(entry["name"] as? String))
            let tensor = try XCTUnwrap(checkpoint.tensor(name), name)
            XCTAssertEqual(tensor.data.fileOffset, entry["data_offset_in_file"] as? Int, name)
            let expected = try XCTUnwrap(entry["dequantized_64"] as? [Double]).map { Float($0) }
            var values = [Float](repeating: 0, count: 64)
            try tensor.data.withUnsafeBytes { raw in
                try values.withUnsafeMutableBufferPointer { try dequantize(raw, as: XCTUnwrap(tensor.type.ggmlType), count: 64, into: $0) }
            }
            XCTAssertEqual(values.map(\.bitPattern), expected.map(\.bitPattern), name)
        }

        let summary = checkpoint.summary
        XCTAssertEqual(summary.parameterCount, 134_515_008)
        XCTAssertEqual(summary.contextLength, 8192)
        XCTAssertEqual(summary.bosTokenID, 1)
        XCTAssertEqual(summary.eosTokenIDs, [2])
        XCTAssertEqual(summary.bytesOnDisk, 98_362_432)
        XCTAssertEqual(Set(summary.dtypeMix.map(\.type)), [.quantized(.q4_1), .quantized(.q8_0), .f32])
        XCTAssertEqual(summary.dtypeMix.map(\.tensorCount).reduce(0, +), checkpoint.tensors.count)
        XCTAssertLessThan(summary.bytesInMemory, summary.bytesOnDisk)
    }

    func testTinyRandomLlamaFolderAndFile() throws {
        let folder = TestPaths.sharedFile("models/tiny-random-llama")
        for url in [folder, folder.appendingPathComponent("model.safetensors")] {
            let checkpoint = try open(url)
            XCTAssertEqual(checkpoint.format, .safetensors)
            XCTAssertEqual(checkpoint.ropeLayout, .halfSplit)
            XCTAssertEqual(checkpoint.config.head, .languageModel)
            XCTAssertEqual(checkpoint.tensor("lm_head.weight")?.shape, [512, 64])
            XCTAssertEqual(checkpoint.generationConfig?.eosTokenIDs, [2])
            XCTAssertEqual(checkpoint.summary.dtypeMix, [.init(type: .f32, tensorCount: 21, elementCount: checkpoint.config.parameterCount,
                                                                byteCount: 4 * checkpoint.config.parameterCount)])
        }
    }

    func testSequenceClassificationFolder() throws {
        let checkpoint = try open(TestPaths.sharedFile("models/tiny-random-llama-rm"))
        XCTAssertEqual(checkpoint.config.head, .sequenceClassification(labels: 1))
        XCTAssertEqual(checkpoint.tensor("score.weight")?.shape, [1, 64])
        XCTAssertEqual(checkpoint.summary.architecture, "llama (sequence classification, 1 label)")
    }

    func testStarlingLikePyTorchShardsBecomeAValueHeadModel() throws {
        let folder = TestPaths.fixtures.appendingPathComponent("pytorch/starling-like")
        let checkpoint = try open(folder)
        XCTAssertEqual(checkpoint.format, .pytorch)
        XCTAssertEqual(checkpoint.config.head, .valueHead)
        XCTAssertEqual(checkpoint.tensor("v_head.weight")?.shape, [1, 16])
        XCTAssertEqual(checkpoint.tensor("model.layers.1.self_attn.k_proj.weight")?.shape, [8, 16])
        XCTAssertNil(checkpoint.tensor("transformer.norm.weight"))
        XCTAssertNotNil(checkpoint.tensor("model.norm.weight"))
        XCTAssertEqual(checkpoint.files.count, 2)
        XCTAssertEqual(checkpoint.summary.architecture, "llama (value head)")
        XCTAssertEqual(checkpoint.summary.parameterCount, checkpoint.config.parameterCount)
        // The index file opens the same model.
        let viaIndex = try open(folder.appendingPathComponent("pytorch_model.bin.index.json"))
        XCTAssertEqual(viaIndex.tensors.map(\.name), checkpoint.tensors.map(\.name))
    }

    func testTokenizerOnlyInputs() throws {
        guard case .tokenizer(let vocabulary) = try ModelFiles.open(TestPaths.sharedFile("tokenizers/llamacpp-suite/ggml-vocab-llama-bpe.gguf")) else {
            return XCTFail("a vocabulary-only GGUF is a tokenizer")
        }
        XCTAssertEqual(vocabulary.gguf?.metadata.string("tokenizer.ggml.model"), "gpt2")
        guard case .tokenizer(let smol) = try ModelFiles.open(TestPaths.sharedFile("tokenizers/smollm2")) else {
            return XCTFail("a folder of tokenizer files is a tokenizer")
        }
        XCTAssertNotNil(smol.tokenizerJSON)
        XCTAssertNotNil(smol.tokenizerConfig)
        XCTAssertNotNil(smol.chatTemplate)
        guard case .tokenizer(let llama2) = try ModelFiles.open(TestPaths.sharedFile("tokenizers/llama2/tokenizer.model")) else {
            return XCTFail("a bare tokenizer.model is a tokenizer")
        }
        XCTAssertNotNil(llama2.sentencePieceModel)
    }

    func testGGUFNameMapping() {
        XCTAssertEqual(TensorNaming.huggingFaceName(forGGUF: "blk.12.attn_output.weight"), "model.layers.12.self_attn.o_proj.weight")
        XCTAssertEqual(TensorNaming.huggingFaceName(forGGUF: "blk.0.attn_k.bias"), "model.layers.0.self_attn.k_proj.bias")
        XCTAssertEqual(TensorNaming.huggingFaceName(forGGUF: "blk.1.ffn_norm.weight"), "model.layers.1.post_attention_layernorm.weight")
        XCTAssertEqual(TensorNaming.huggingFaceName(forGGUF: "output.weight"), "lm_head.weight")
        XCTAssertEqual(TensorNaming.huggingFaceName(forGGUF: "rope_freqs.weight"), "rope_freqs.weight")
        XCTAssertEqual(TensorNaming.huggingFaceName(forGGUF: "blk.x.attn_q.weight"), "blk.x.attn_q.weight")
        XCTAssertEqual(TensorNaming.huggingFaceName(forStateDictKey: "transformer.layers.0.mlp.up_proj.weight"), "model.layers.0.mlp.up_proj.weight")
        XCTAssertEqual(TensorNaming.huggingFaceName(forStateDictKey: "module.lm_head.weight"), "lm_head.weight")
        XCTAssertEqual(TensorNaming.huggingFaceName(forStateDictKey: "v_head.weight"), "v_head.weight")
    }
}

final class TinyGGUFCheckpointTests: XCTestCase {
    func testLlama2TinyRandomGGUF() throws {
        guard case .checkpoint(let checkpoint) = try ModelFiles.open(TestPaths.sharedFile("models/llama-2-tiny-random.gguf")) else {
            return XCTFail("a GGUF with tensors is a checkpoint")
        }
        XCTAssertEqual(checkpoint.config.layerCount, 1)
        XCTAssertEqual(checkpoint.config.hiddenSize, 8)
        XCTAssertEqual(checkpoint.config.vocabularySize, 32000)
        XCTAssertEqual(checkpoint.ropeLayout, .interleaved)
        XCTAssertEqual(checkpoint.tensor("model.embed_tokens.weight")?.shape, [32000, 8])
        XCTAssertEqual(checkpoint.summary.parameterCount, checkpoint.config.parameterCount)
    }
}

final class BadCheckpointTests: XCTestCase {
    /// A folder with the tiny model's weights and a config.json edited by `edit`.
    func folder(editing edit: (inout [String: Any]) -> Void, test: String = #function) throws -> URL {
        let folder = try TestPaths.scratchDirectory(test)
        let source = TestPaths.sharedFile("models/tiny-random-llama")
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("model.safetensors"),
                                                   withDestinationURL: source.appendingPathComponent("model.safetensors"))
        var config = try XCTUnwrap(TestPaths.json(source.appendingPathComponent("config.json")) as? [String: Any])
        edit(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        return folder
    }

    func testConfigAndWeightsThatDisagree() throws {
        let moreLayers = try folder { $0["num_hidden_layers"] = 3 }
        assertFormatError(.inconsistent, mentioning: ["tensor \"model.layers.2.input_layernorm.weight\"", "implies"]) {
            try ModelFiles.open(moreLayers)
        }
        let widerFFN = try folder { $0["intermediate_size"] = 128 }
        assertFormatError(.inconsistent, mentioning: ["model.layers.0.mlp.gate_proj.weight", "[172, 64]", "[128, 64]"]) {
            try ModelFiles.open(widerFFN)
        }
        let tied = try folder { $0["tie_word_embeddings"] = true }
        XCTAssertNoThrow(try ModelFiles.open(tied), "an unused lm_head is allowed")
    }

    func testMissingAndBrokenFiles() throws {
        let noConfig = try TestPaths.scratchDirectory()
        try FileManager.default.createSymbolicLink(at: noConfig.appendingPathComponent("model.safetensors"),
                                                   withDestinationURL: TestPaths.sharedFile("models/tiny-random-llama/model.safetensors"))
        assertFormatError(.missingFile, mentioning: ["config.json"]) { try ModelFiles.open(noConfig) }
        try Data("{\"model_type\": \"llama\",".utf8).write(to: noConfig.appendingPathComponent("config.json"))
        assertFormatError(.malformedJSON, mentioning: [noConfig.appendingPathComponent("config.json").path]) { try ModelFiles.open(noConfig) }
        assertFormatError(.missingFile) { try ModelFiles.open(noConfig.appendingPathComponent("nothing.gguf")) }
        let empty = try TestPaths.scratchDirectory("emptyFolder")
        assertFormatError(.missingFile, mentioning: ["no model weights"]) { try ModelFiles.open(empty) }
        let text = empty.appendingPathComponent("notes.txt")
        try Data("hi".utf8).write(to: text)
        assertFormatError(.unsupported, mentioning: ["not a model file"]) { try ModelFiles.open(text) }
        let emptyGGUF = empty.appendingPathComponent("empty.gguf")
        try Data().write(to: emptyGGUF)
        assertFormatError(.truncated, mentioning: [emptyGGUF.path]) { try ModelFiles.open(emptyGGUF) }
    }
}

final class TokenizerFilesTests: XCTestCase {
    func testTemplateSourcesAndPrecedence() throws {
        let folder = try TestPaths.scratchDirectory()
        let config = folder.appendingPathComponent("tokenizer_config.json")
        try Data(#"{"chat_template": [{"name": "default", "template": "D"}, {"name": "tool_use", "template": "T"}]}"#.utf8).write(to: config)
        var files = try TokenizerFiles.find(in: folder)
        XCTAssertEqual(files.chatTemplate, ChatTemplateSource(origin: .tokenizerConfig(config), text: "D"))
        XCTAssertEqual(files.namedChatTemplates, ["tool_use": "T"])
        let jinja = folder.appendingPathComponent("chat_template.jinja")
        try Data("J".utf8).write(to: jinja)
        files = try TokenizerFiles.find(in: folder)
        XCTAssertEqual(files.chatTemplate, ChatTemplateSource(origin: .jinjaFile(jinja), text: "J"), "the .jinja file wins, as in transformers")
        try Data(#"{"chat_template": 3}"#.utf8).write(to: config)
        assertFormatError(.malformedJSON, mentioning: ["chat_template", config.path]) { try TokenizerFiles.find(in: folder) }
    }

    func testSmolLM2TokenizerFolder() throws {
        let files = try TokenizerFiles.find(in: TestPaths.sharedFile("tokenizers/smollm2"))
        XCTAssertTrue(files.chatTemplate?.text.contains("<|im_start|>") ?? false)
        XCTAssertNotNil(files.tokenizerJSON)
    }
}
