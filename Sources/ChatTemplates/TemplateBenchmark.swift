import TextFormats

/// Parsing and rendering speed over a set of cases (such as ../shared/chat-templates/cases.json), for
/// `alignscope-bench templates`. Speed is reported, never asserted; scripts/fixtures/chat_template_peer_bench.py
/// measures jinja2 on the same cases for comparison.
public enum TemplateBenchmark {
    public struct Figure: Sendable, CustomStringConvertible {
        /// "parse" (source to template) or "render" (template and conversation to text).
        public var operation: String
        /// Templates parsed or conversations rendered per pass.
        public var count: Int
        /// UTF-8 bytes of template source (parse) or of output (render) per pass.
        public var bytes: Int
        /// The best pass.
        public var seconds: Double

        public var microsecondsEach: Double { count > 0 ? seconds * 1e6 / Double(count) : 0 }

        public var description: String {
            let each = (microsecondsEach * 10).rounded() / 10
            return "\(operation): \(count) in \(PythonFloat.repr((seconds * 1e6).rounded() / 1e3)) ms, \(each) µs each (\(bytes) bytes)"
        }
    }

    /// Parses every case's template and renders every case, `repetitions` times after a warm-up pass, and
    /// reports the best pass of each. Cases that fail (expected errors included) are timed as they fail.
    public static func run(_ cases: [TemplateCase], repetitions: Int = 5) -> [Figure] {
        let options = RenderOptions(clock: TemplateCase.referenceClock)
        let sourceBytes = cases.reduce(0) { $0 + $1.template.utf8.count }
        func parseAll() -> [ChatTemplate?] { cases.map { try? ChatTemplate(source: $0.template) } }
        func renderAll(_ templates: [ChatTemplate?]) -> Int {
            var bytes = 0
            for (testCase, template) in zip(cases, templates) {
                let text = try? template?.render(messages: testCase.messages, addGenerationPrompt: testCase.addGenerationPrompt,
                                                 bosToken: testCase.bosToken, eosToken: testCase.eosToken,
                                                 extra: testCase.extra, options: options)
                bytes += text?.utf8.count ?? 0
            }
            return bytes
        }
        let clock = ContinuousClock()
        var templates = parseAll()
        var outputBytes = renderAll(templates)
        var bestParse = Double.infinity, bestRender = Double.infinity
        for _ in 0..<max(1, repetitions) {
            let parse = clock.measure { templates = parseAll() }
            let render = clock.measure { outputBytes = renderAll(templates) }
            bestParse = min(bestParse, parse.seconds)
            bestRender = min(bestRender, render.seconds)
        }
        return [
            Figure(operation: "parse", count: cases.count, bytes: sourceBytes, seconds: bestParse),
            Figure(operation: "render", count: cases.count, bytes: outputBytes, seconds: bestRender),
        ]
    }
}

private extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
