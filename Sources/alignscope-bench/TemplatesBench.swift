import ChatTemplates
import Foundation

/// Parsing and rendering speed of the chat-template engine over ../shared/chat-templates/cases.json, the cases
/// scripts/fixtures/chat_template_peer_bench.py gives jinja2.
struct TemplatesBench {
    static let usage = "alignscope-bench templates [--repetitions N] [CASES.json]"

    var repetitions = 5
    var casesFile: String?

    init(_ arguments: [String]) {
        var arguments = Arguments(arguments, usage: Self.usage)
        while let argument = arguments.next() {
            switch argument {
            case "--repetitions": repetitions = arguments.number(after: argument)
            case let option where option.hasPrefix("--"): arguments.fail("unknown option \(option)")
            default:
                if casesFile != nil { arguments.fail("one cases file at a time (\(argument))") }
                casesFile = argument
            }
        }
    }

    func run() throws {
        let path = casesFile ?? SharedFiles.path("chat-templates/cases.json")
        let cases: [TemplateCase]
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { failure("\(path): cannot read the file") }
        do {
            guard case .dict(let root) = try Value(json: text),
                  case .list(let items)? = root["cases"] else {
                failure("\(path): expected an object with a \"cases\" list")
            }
            cases = items.enumerated().map { index, item in
                do { return try TemplateCase(value: item) } catch { failure("\(path): case \(index): \(error)") }
            }
        } catch {
            failure("\(path): \(error)")
        }
        printHeader("templates", threads: 1)
        print("\(cases.count) cases of \(path); best of \(repetitions) passes after a warm-up")
        print("")
        print("| operation | cases | total ms | µs each | bytes |")
        print("|---|---|---|---|---|")
        for figure in TemplateBenchmark.run(cases, repetitions: repetitions) {
            print("| \(figure.operation) | \(figure.count) | \(format(figure.seconds * 1000, 2)) | \(format(figure.microsecondsEach)) | \(figure.bytes) |")
        }
    }
}
