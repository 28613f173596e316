import Foundation

/// Encoding and decoding throughput, for `alignscope-bench tokenize`. Speed is reported, never asserted.
public enum TokenizerBenchmark {
    /// One measurement.
    public struct Figure: Sendable, CustomStringConvertible {
        /// What was measured, e.g. "encode" or "decode".
        public var operation: String
        public var tokenizer: String
        public var bytes: Int
        public var tokens: Int
        public var seconds: Double

        public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_000_000 / seconds : 0 }
        public var tokensPerSecond: Double { seconds > 0 ? Double(tokens) / seconds : 0 }

        public var description: String {
            String(format: "%@ %@: %.2f MB/s, %.0f tokens/s (%d bytes, %d tokens, %.3f s)",
                   operation, tokenizer, megabytesPerSecond, tokensPerSecond, bytes, tokens, seconds)
        }
    }

    /// Encodes `texts` (each as one call, as the engine does) `repetitions` times after one warm-up pass,
    /// then decodes the ids; reports the best pass of each. The first pass fills the BPE word cache, as a long
    /// evaluation run does.
    public static func run(_ tokenizer: any Tokenizer, texts: [String], repetitions: Int = 3) -> [Figure] {
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        var encoded: [[Int]] = texts.map { tokenizer.encode($0, addSpecialTokens: true) }
        let tokens = encoded.reduce(0) { $0 + $1.count }
        var bestEncode = Double.infinity
        var bestDecode = Double.infinity
        for _ in 0..<max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            encoded = texts.map { tokenizer.encode($0, addSpecialTokens: true) }
            let middle = DispatchTime.now().uptimeNanoseconds
            var decodedBytes = 0
            for ids in encoded { decodedBytes += tokenizer.decode(ids, skipSpecialTokens: true).utf8.count }
            let end = DispatchTime.now().uptimeNanoseconds
            withExtendedLifetime(decodedBytes) {}
            bestEncode = min(bestEncode, Double(middle - start) / 1e9)
            bestDecode = min(bestDecode, Double(end - middle) / 1e9)
        }
        return [
            Figure(operation: "encode", tokenizer: tokenizer.summary, bytes: bytes, tokens: tokens, seconds: bestEncode),
            Figure(operation: "decode", tokenizer: tokenizer.summary, bytes: bytes, tokens: tokens, seconds: bestDecode),
        ]
    }

    /// Encodes `texts` once with an empty word cache: the cost of text never seen before.
    public static func coldEncode(loading load: () throws -> any Tokenizer, texts: [String]) rethrows -> Figure {
        let tokenizer = try load()
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        let start = DispatchTime.now().uptimeNanoseconds
        let tokens = texts.reduce(0) { $0 + tokenizer.encode($1, addSpecialTokens: true).count }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Figure(operation: "encode (cold cache)", tokenizer: tokenizer.summary, bytes: bytes, tokens: tokens,
                      seconds: seconds)
    }
}
