import ChatTemplates
import Foundation
import XCTest

/// Hostile or buggy templates end with a clear error, never a crash, a hang or an exhausted machine.
final class RunawayTemplateTests: XCTestCase {
    private func error(_ source: String, _ context: [String: Value] = [:], limits: RenderLimits = RenderLimits()) -> TemplateError? {
        do {
            _ = try ChatTemplate(source: source).render(context: context, options: RenderOptions(limits: limits))
            return nil
        } catch {
            return error
        }
    }

    /// Runs `body` on a thread with a small stack (512 KB, what Dispatch gives worker threads on macOS), so a
    /// recursion the limits fail to bound crashes the test instead of passing on the 8 MB main thread.
    private func onSmallStack(_ body: @escaping @Sendable () throws -> Void) {
        let done = expectation(description: "small-stack thread")
        let thread = Thread {
            do {
                try body()
            } catch {
                XCTFail("\(error)")
            }
            done.fulfill()
        }
        thread.stackSize = 512 << 10
        thread.start()
        wait(for: [done], timeout: 60)
    }

    func testDeepSyntaxIsRefusedBeforeItCanExhaustTheStack() {
        onSmallStack {
            let depth = 20_000
            let cases = [
                String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth),
                String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
                String(repeating: "not ", count: depth) + "x",
                String(repeating: "- ", count: depth) + "1",
                "x" + String(repeating: "|trim", count: depth),
                "1" + String(repeating: " + 1", count: depth),
                "a" + String(repeating: ".b", count: depth),
                "a" + String(repeating: "[0]", count: depth),
                "f" + String(repeating: "()", count: depth),
                "1" + String(repeating: " if x else 1", count: depth),
            ]
            for expression in cases {
                XCTAssertThrowsError(try ChatTemplate(source: "{{ " + expression + " }}")) { error in
                    XCTAssertEqual((error as? TemplateError)?.kind, .limit, String(expression.prefix(20)))
                }
            }
            let blocks = String(repeating: "{% if x %}", count: depth) + String(repeating: "{% endif %}", count: depth)
            XCTAssertThrowsError(try ChatTemplate(source: blocks)) { error in
                XCTAssertEqual((error as? TemplateError)?.kind, .limit)
            }
        }
    }

    func testTheDeepestAcceptedTemplatesRenderOnASmallStack() {
        onSmallStack {
            // Just inside every limit at once: nested blocks, nested brackets, long chains, macro recursion.
            let blocks = 30
            let parens = 25
            var source = "{% macro down(n) %}{% if n > 0 %}{{ n }}({{ down(n - 1) }}){% endif %}{% endmacro %}"
            source += String(repeating: "{% for i in [1] %}", count: blocks)
            source += "{{ " + String(repeating: "(", count: parens) + "1" + String(repeating: " + 1)", count: parens) + " }}"
            source += "{{ 'x'" + String(repeating: " | trim", count: 100) + " }}"
            source += "{{ down(45) | length }}"
            source += String(repeating: "{% endfor %}", count: blocks)
            XCTAssertNoThrow(try ChatTemplate(source: source).render(context: [:]))
        }
    }

    func testRunawayRecursionStops() throws {
        let error = try XCTUnwrap(error("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"))
        XCTAssertEqual(error.kind, .limit)
        XCTAssertTrue(error.message.contains("macros nest more than 48 calls deep"), error.message)
    }

    func testRunawayLoopsStop() throws {
        let error = try XCTUnwrap(self.error("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                                             limits: RenderLimits(maximumSteps: 50_000)))
        XCTAssertEqual(error.kind, .limit)
        XCTAssertEqual(error.message, "the template ran more than 50000 loop iterations and macro calls")
        XCTAssertEqual(error.location, SourceLocation(line: 1, column: 29))
        XCTAssertEqual(RenderLimits().maximumSteps, 2_000_000)
        // jinja2's own sandbox limit on range.
        XCTAssertEqual(self.error("{{ range(100001) | length }}")?.pythonDescription,
                       "OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).")
    }

    func testRunawaySizesStop() throws {
        // Refused before anything is allocated.
        XCTAssertEqual(error("{{ 'a' * 1000000000 }}")?.message, "a string grew beyond 67108864 bytes")
        XCTAssertEqual(error("{{ [1] * 1000000000 }}")?.message, "a list grew beyond 4000000 items")
        let small = RenderLimits(maximumStringBytes: 1000)
        XCTAssertEqual(error("{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
                             limits: small)?.message, "a string grew beyond 1000 bytes")
        XCTAssertEqual(error("{% for i in range(2000) %}x{% endfor %}", limits: small)?.message, "the output grew beyond 1000 bytes")
        XCTAssertEqual(error("{{ 'x' | center(5000) }}", limits: small)?.kind, .limit)
        XCTAssertEqual(error("{{ [1, 2] | join('x' * 999) }}", limits: small)?.kind, .limit)
    }

    func testDeeplyNestedValuesStop() throws {
        let build = "{% set ns = namespace(x=[]) %}{% for i in range(5000) %}{% set ns.x = [ns.x] %}{% endfor %}"
        onSmallStack {
            for use in ["{{ ns.x }}", "{{ ns.x | tojson }}", "{{ ns.x == ns.x }}", "{{ [ns.x] < [ns.x] }}"] {
                do {
                    _ = try ChatTemplate(source: build + use).render(context: [:])
                    XCTFail("\(use) rendered a 5000-deep value")
                } catch let error as TemplateError {
                    XCTAssertEqual(error.kind, .limit, use)
                } catch {
                    XCTFail("\(error)")
                }
            }
        }
        // Every way a value can gain a level, repeated through a namespace: each must stop at the limit.
        onSmallStack {
            let growths = ["[ns.x]", "(ns.x,)", "{'k': ns.x}", "dict(k=ns.x)", "ns.x|batch(1)", "ns.x|batch(1)|list",
                           "ns.x|slice(1)|list", "{'k': ns.x}|dictsort", "{'k': ns.x}|items|list", "[ns.x]|map('list')|list",
                           "[ns.x]|map('batch', 1)|list", "[{'g': ns.x}]|groupby('g')",
                           "[ns.x] + []", "[ns.x] * 2", "[ns.x, ns.x]"]
            // A small walking budget keeps the self-repeating values (whose trees double each round) quick to refuse.
            let options = RenderOptions(limits: RenderLimits(maximumValueSteps: 200_000))
            for growth in growths {
                let source = "{% set ns = namespace(x=[1]) %}{% for i in range(5000) %}{% set ns.x = \(growth) %}{% endfor %}"
                    + "{{ ns.x|list|tojson }}"
                do {
                    _ = try ChatTemplate(source: source).render(context: [:], options: options)
                    XCTFail("\(growth) grew 5000 levels")
                } catch let error as TemplateError {
                    XCTAssertEqual(error.kind, .limit, "\(growth): \(error)")
                } catch {
                    XCTFail("\(error)")
                }
            }
        }
        // A value that repeats itself prints (or compares, or serialises) as a tree 2^60 nodes large.
        let doubling = "{% set ns = namespace(x=[1]) %}{% for i in range(60) %}{% set ns.x = [ns.x, ns.x] %}{% endfor %}"
        for use in ["{{ ns.x }}", "{{ ns.x | tojson }}", "{{ ns.x == ns.x + [] }}", "{{ {(ns.x|first, 1): 2} }}"] {
            XCTAssertEqual(error(doubling + use, limits: RenderLimits(maximumValueSteps: 100_000))?.kind, .limit, use)
        }
        let deepJSON = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        XCTAssertThrowsError(try Value(json: deepJSON)) { error in
            XCTAssertTrue("\(error)".contains("nested deeper than 128 levels"), "\(error)")
        }
    }

    func testLimitsCanBeRaised() throws {
        let source = "{% for i in range(300) %}{% for j in range(100) %}{% endfor %}{% endfor %}done"
        XCTAssertEqual(error(source, limits: RenderLimits(maximumSteps: 10_000))?.kind, .limit)
        let generous = RenderLimits(maximumSteps: 40_000)
        XCTAssertEqual(try ChatTemplate(source: source).render(context: [:], options: RenderOptions(limits: generous)), "done")
    }
}
