import ChatTemplates
import XCTest

/// Errors name the template, line and column, and say what went wrong in words a template author can act on.
final class ErrorReportingTests: XCTestCase {
    private func parseError(_ source: String, name: String = "chat_template.jinja") -> TemplateError? {
        do {
            _ = try ChatTemplate(source: source, name: name)
            return nil
        } catch {
            return error
        }
    }

    private func renderError(_ source: String, _ context: [String: Value] = [:]) -> TemplateError? {
        do {
            _ = try ChatTemplate(source: source, name: "t.jinja").render(context: context)
            return nil
        } catch {
            return error
        }
    }

    func testUnclosedBlockNamesWhereItOpened() throws {
        let error = try XCTUnwrap(parseError("Hello\n{% for m in messages %}\n  {{ m }}\n"))
        XCTAssertEqual(error.kind, .syntax)
        XCTAssertEqual(error.location, SourceLocation(line: 3, column: 10))
        XCTAssertEqual(error.description,
                       "chat_template.jinja:3:10: unexpected end of template; the 'for' block opened at 2:1 needs 'endfor' or 'else'")
    }

    func testMisnestedEndTag() throws {
        let error = try XCTUnwrap(parseError("{% for x in y %}{% if x %}{% endfor %}"))
        XCTAssertEqual(error.description,
                       "chat_template.jinja:1:30: unknown tag 'endfor' (a nesting mistake?); the 'if' block opened at 1:17 needs 'elif' or 'else' or 'endif'")
    }

    func testBadExpressionPointsAtTheToken() throws {
        let error = try XCTUnwrap(parseError("line one\n{{ 1 + }}"))
        XCTAssertEqual(error.location, SourceLocation(line: 2, column: 8))
        XCTAssertEqual(error.message, "unexpected end of print statement '}}'")
    }

    func testLexicalErrors() throws {
        XCTAssertEqual(parseError("{{ 'abc }}")?.description, "chat_template.jinja:1:4: unterminated string literal")
        XCTAssertEqual(parseError("ab\n  {{ a @ b }}")?.description, "chat_template.jinja:2:8: unexpected character '@'")
        XCTAssertEqual(parseError("{# open")?.description, "chat_template.jinja:1:1: missing end of comment tag '#}'")
        XCTAssertEqual(parseError("{{ (1 + 2 }}")?.description, "chat_template.jinja:1:11: unexpected '}', expected ')'")
        XCTAssertEqual(parseError("{{ 'é\\x4' }}")?.message, "truncated \\xXX escape")
    }

    func testColumnsCountCharactersNotBytes() throws {
        let error = try XCTUnwrap(parseError("héllo 😀 {{ ) }}"))
        XCTAssertEqual(error.location, SourceLocation(line: 1, column: 12))
    }

    func testUnknownFilterAndTestFailAtParseTime() throws {
        let filter = try XCTUnwrap(parseError("{% for m in messages %}\n{{ m | frobnicate }}{% endfor %}"))
        XCTAssertEqual(filter.kind, .unknownName)
        XCTAssertEqual(filter.description, "chat_template.jinja:2:8: No filter named 'frobnicate'.")
        let test = try XCTUnwrap(parseError("{{ x is frobnicated }}"))
        XCTAssertEqual(test.pythonDescription, "TemplateAssertionError: No test named 'frobnicated'.")
    }

    func testUnsupportedTagsAreNamed() throws {
        let error = try XCTUnwrap(parseError("{% include 'other.jinja' %}"))
        XCTAssertEqual(error.kind, .unsupported)
        XCTAssertEqual(error.description,
                       "chat_template.jinja:1:4: the 'include' tag is not supported in chat templates (they are rendered standalone)")
    }

    func testRaiseExceptionCarriesTheMessageAndPlace() throws {
        let source = "{% for m in messages %}\n  {% if m.role == 'tool' %}{{ raise_exception('No tools: ' ~ m.role) }}{% endif %}\n{% endfor %}"
        let error = try XCTUnwrap(renderError(source, ["messages": [["role": "tool"]]]))
        XCTAssertEqual(error.kind, .raised)
        XCTAssertEqual(error.message, "No tools: tool")
        XCTAssertEqual(error.location, SourceLocation(line: 2, column: 31))
        XCTAssertEqual(error.pythonDescription, "TemplateError: No tools: tool")
        XCTAssertEqual(error.description, "t.jinja:2:31: No tools: tool")
    }

    func testRuntimeErrorsUsePythonWords() throws {
        XCTAssertEqual(renderError("{{ 'a' + 1 }}")?.pythonDescription, "TypeError: can only concatenate str (not \"int\") to str")
        XCTAssertEqual(renderError("{{ x.y.z }}", ["x": [:]])?.pythonDescription,
                       "UndefinedError: 'dict object' has no attribute 'y'")
        XCTAssertEqual(renderError("\n\n   {{ 1 // 0 }}")?.location, SourceLocation(line: 3, column: 9))
    }

    func testErrorsInsideMacrosPointIntoTheMacro() throws {
        let source = "{% macro m(x) %}\n{{ x + 1 }}\n{% endmacro %}{{ m('a') }}"
        let error = try XCTUnwrap(renderError(source))
        XCTAssertEqual(error.location?.line, 2)
        XCTAssertEqual(error.kind, .type)
    }
}
