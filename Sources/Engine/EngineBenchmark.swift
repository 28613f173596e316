import Foundation
import InferenceAPI
import Kernels

/// Speed measurements of a loaded model, in llama-bench's terms (ppN: prompt processing of N tokens in one
/// batch, logits for the last one only; tgN: N single-token decode steps from an empty context), plus the
/// study-specific ones. The `alignscope-bench` executable prints these.
public enum EngineBenchmark {
    /// Token ids spread over the vocabulary, the same every run (llama-bench uses random ids).
    static func tokens(_ count: Int, vocabulary: Int, seed: UInt64 = 1) -> [Int] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in Int(random.next() % UInt64(vocabulary)) }
    }

    /// Seconds of each repetition of a `tokens`-token prefill.
    public static func promptProcessing(_ model: EngineModel, tokens count: Int = 512, repetitions: Int = 3) -> [Double] {
        let ids = tokens(count, vocabulary: model.config.vocabularySize)
        return (0..<repetitions).map { _ in
            let cache = model.transformer.makeCache(capacity: count)
            let start = DispatchTime.now()
            _ = model.transformer.forward([SequenceStep(cache: cache, tokens: ids, outputs: [count - 1])], output: .logits)
            return seconds(since: start)
        }
    }

    /// Seconds of each repetition of `tokens` decode steps (each computing the full logits).
    public static func generation(_ model: EngineModel, tokens count: Int = 128, repetitions: Int = 3) -> [Double] {
        let ids = tokens(count, vocabulary: model.config.vocabularySize, seed: 2)
        return (0..<repetitions).map { _ in
            let cache = model.transformer.makeCache(capacity: count)
            let start = DispatchTime.now()
            for id in ids {
                _ = model.transformer.forward([SequenceStep(cache: cache, tokens: [id], outputs: [0])], output: .logits)
            }
            return seconds(since: start)
        }
    }

    /// Seconds to score `candidates` after `prompt` with prefix sharing (one prefill, candidates batched) and
    /// as K separate forward passes of prompt + candidate.
    public static func scoring(_ model: EngineModel, prompt: String, candidates: [String],
                               repetitions: Int = 3) throws -> (shared: Double, separate: Double) {
        let promptLength = model.tokenizer.encode(prompt).count
        let fulls = candidates.map { model.tokenizer.encode(prompt + $0) }
        var shared = Double.infinity, separate = Double.infinity
        for _ in 0..<repetitions {
            var start = DispatchTime.now()
            _ = try model.score([ScoringRequest(prompt: prompt, candidates: candidates)], method: .meanNLL, control: .none)
            shared = min(shared, seconds(since: start))
            start = DispatchTime.now()
            for full in fulls {
                model.forEachLogits(full, positions: (promptLength - 1)..<(full.count - 1)) { _, _ in }
            }
            separate = min(separate, seconds(since: start))
        }
        return (shared, separate)
    }

    /// Multiply-adds ×2 of one token at context position `position` (weights and attention; the LM head only
    /// when `logits`).
    public static func flops(_ model: EngineModel, position: Int, logits: Bool) -> Double {
        let c = model.config
        let q = c.attentionHeadCount * c.headDimension, kv = c.keyValueHeadCount * c.headDimension
        let perLayer = c.hiddenSize * (q + 2 * kv) + q * c.hiddenSize + 3 * c.hiddenSize * c.intermediateSize
            + 2 * c.attentionHeadCount * c.headDimension * (position + 1)
        let head = logits ? c.vocabularySize * c.hiddenSize : 0
        return 2 * Double(c.layerCount * perLayer + head)
    }

    /// Bytes of weights one decode step reads (every matrix once, the LM head included).
    public static func weightBytesPerToken(_ model: EngineModel) -> Int {
        let w = model.transformer.weights
        var bytes = w.languageModelHead?.byteCount ?? 0
        for layer in w.layers {
            bytes += [layer.query, layer.key, layer.value, layer.output, layer.gate, layer.up, layer.down]
                .map(\.byteCount).reduce(0, +)
        }
        return bytes
    }

    /// This process's resident set (VmRSS), in bytes.
    public static func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
        }
        return nil
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
