import Foundation
import InferenceAPI
import Tokenizers

/// Continues several prompts together: one batched prefill, then one batched decode step per token for every
/// sequence still running. Text is streamed as it completes, holding back any tail that could still become a
/// stop string.
struct Generator {
    let model: EngineModel
    let options: GenerationOptions
    var sequences: [Sequence]
    let endOfSequence: Set<Int>

    struct Sequence {
        var ids: [Int]
        var cache: KVCache
        var sampler: Sampler
        var decoder: StreamingDecoder
        var text = ""
        /// Characters of `text` already handed to onToken.
        var streamed = 0
        var generated = 0
        var finish: Generation.FinishReason?
    }

    init(model: EngineModel, prompts: [String], options: GenerationOptions) throws {
        self.model = model
        self.options = options
        var eos = Set(model.config.eosTokenIDs)
        if let id = model.tokenizer.eosID { eos.insert(id) }
        endOfSequence = eos
        sequences = []
        for (index, prompt) in prompts.enumerated() {
            var ids = model.tokenizer.encode(prompt)
            // A chat prompt rendered with its BOS text gets a second BOS from the tokenizer; drop it.
            if let bos = model.tokenizer.bosID, ids.count > 1, ids[0] == bos, ids[1] == bos { ids.removeFirst() }
            try model.validate(ids, what: "prompt \(index)")
            sequences.append(Sequence(ids: ids, cache: model.transformer.makeCache(capacity: ids.count + options.maxTokens),
                                      sampler: Sampler(options: options, stream: index),
                                      decoder: model.tokenizer.makeStreamingDecoder(skipSpecialTokens: false)))
        }
    }

    mutating func run(control: RunControl, onToken: (@Sendable (Int, String) -> Void)?) throws -> [Generation] {
        let vocabulary = model.config.vocabularySize
        var steps = sequences.indices.map { i in
            SequenceStep(cache: sequences[i].cache, tokens: sequences[i].ids, outputs: [sequences[i].ids.count - 1])
        }
        var active = Array(sequences.indices)
        if options.maxTokens <= 0 { active.forEach { sequences[$0].finish = .length }; active = [] }
        while !active.isEmpty {
            try control.cancellation.check()
            let logits = model.transformer.forward(steps, output: .logits)
            var next: [Int] = []
            logits.withUnsafeBufferPointer { all in
                for (row, i) in active.enumerated() {
                    let rowLogits = UnsafeBufferPointer(rebasing: all[(row * vocabulary)..<((row + 1) * vocabulary)])
                    next.append(sequences[i].sampler.next(rowLogits))
                }
            }
            var still: [Int] = []
            for (i, token) in zip(active, next) {
                accept(token, for: i, onToken: onToken)
                if sequences[i].finish == nil { still.append(i) }
            }
            active = still
            steps = active.map { SequenceStep(cache: sequences[$0].cache, tokens: [sequences[$0].ids.last!], outputs: [0]) }
            control.progress?(sequences.reduce(0) { $0 + $1.generated }, sequences.count * options.maxTokens)
        }
        return sequences.map {
            Generation(text: $0.text, tokenCount: $0.generated, finishReason: $0.finish ?? .length)
        }
    }

    private mutating func accept(_ token: Int, for i: Int, onToken: (@Sendable (Int, String) -> Void)?) {
        if endOfSequence.contains(token) {
            sequences[i].generated += 1
            finish(i, .endOfSequence, onToken: onToken)
            return
        }
        sequences[i].ids.append(token)
        sequences[i].generated += 1
        sequences[i].text += sequences[i].decoder.append(token)
        if let cut = firstStop(in: sequences[i].text) {
            sequences[i].text = String(sequences[i].text[..<cut])
            finish(i, .stopString, onToken: onToken)
            return
        }
        if sequences[i].generated >= options.maxTokens || sequences[i].cache.length + 1 > model.config.contextLength {
            sequences[i].text += sequences[i].decoder.finish()
            if let cut = firstStop(in: sequences[i].text) {
                sequences[i].text = String(sequences[i].text[..<cut])
                finish(i, .stopString, onToken: onToken)
            } else {
                finish(i, .length, onToken: onToken)
            }
            return
        }
        stream(i, holdBack: true, onToken: onToken)
    }

    private mutating func finish(_ i: Int, _ reason: Generation.FinishReason, onToken: (@Sendable (Int, String) -> Void)?) {
        sequences[i].finish = reason
        stream(i, holdBack: false, onToken: onToken)
    }

    /// Hands over the text not yet streamed, keeping back a tail that is a prefix of some stop string.
    private mutating func stream(_ i: Int, holdBack: Bool, onToken: (@Sendable (Int, String) -> Void)?) {
        let text = sequences[i].text
        var end = text.count
        if holdBack {
            for stop in options.stop where !stop.isEmpty {
                for length in stride(from: min(stop.count - 1, text.count), to: 0, by: -1)
                where text.hasSuffix(String(stop.prefix(length))) {
                    end = min(end, text.count - length)
                    break
                }
            }
        }
        guard end > sequences[i].streamed else { return }
        let piece = String(text.dropFirst(sequences[i].streamed).prefix(end - sequences[i].streamed))
        sequences[i].streamed = end
        onToken?(i, piece)
    }

    private func firstStop(in text: String) -> String.Index? {
        options.stop.filter { !$0.isEmpty }.compactMap { text.range(of: $0)?.lowerBound }.min()
    }
}
