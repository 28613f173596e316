import Foundation

/// `replay FILE [--check]`: runs a session file in a fresh interpreter and, when checking, compares each
/// command's output and result digest with what the file recorded.
struct Replay {
    var path: String
    var check: Bool

    func run(in shell: Interpreter, invocation: Invocation) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw invocation.failure("cannot read \(path): \(error.localizedDescription)")
        }
        let entries: [SessionEntry]
        do { entries = try SessionFile.parse(text) } catch { throw invocation.failure("\(path): \(error)") }

        let child = shell.childInterpreter()
        let console = shell.console
        let wasMuted = console.isMuted
        defer { console.isMuted = wasMuted }
        var compared = 0, differing = 0
        for entry in entries {
            guard let statement = try? Lexer.statements(in: entry.command, firstLine: entry.line).first else { continue }
            console.isMuted = check || wasMuted
            let replayed: SessionEntry
            do {
                replayed = try child.run(statement)
            } catch {
                console.isMuted = wasMuted
                throw invocation.failure("\(path):\(entry.line): \(child.message(for: error, statement: statement))")
            }
            console.isMuted = wasMuted
            guard check, !entry.output.isEmpty || entry.digest != nil else { continue }
            compared += 1
            let problems = differences(recorded: entry, replayed: replayed)
            guard !problems.isEmpty else { continue }
            differing += 1
            console.print(console.style.red("✗ ") + "\(path):\(entry.line): \(entry.command.firstLine)")
            for problem in problems { console.print("    " + problem) }
        }
        let added = shell.adopt(child)
        if let first = added.first, let last = added.last {
            console.status("replay added results \(first.handle)\(added.count > 1 ? "–\(last.handle)" : "") to this session")
        }
        guard check else { return }
        if differing > 0 {
            throw invocation.failure("\(differing) of \(compared) recorded outputs differ in \(path)")
        }
        console.print(console.style.green("✓ ") + "\(compared) of \(compared) recorded outputs reproduced (\(entries.count) commands, \(path))")
    }

    /// What differs between the recorded and the replayed run of one command, one line per problem.
    func differences(recorded: SessionEntry, replayed: SessionEntry) -> [String] {
        var problems: [String] = []
        if let digest = recorded.digest, digest != replayed.digest {
            problems.append("result digest: recorded \(digest), replayed \(replayed.digest ?? "no result")")
        }
        let expected = recorded.output, actual = replayed.output
        if let index = zip(expected, actual).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            problems.append("output line \(index + 1) of \(expected.count):")
            problems.append("  recorded: \(expected[index])")
            problems.append("  replayed: \(actual[index])")
        } else if expected.count != actual.count {
            problems.append("output has \(actual.count) lines, \(expected.count) recorded")
            let extra = expected.count > actual.count ? expected[actual.count] : actual[expected.count]
            problems.append("  first unmatched: \(extra)")
        }
        return problems
    }
}

extension String {
    /// The first line, with "…" when the command spans several.
    var firstLine: String {
        guard let newline = firstIndex(of: "\n") else { return self }
        return String(self[..<newline]) + " …"
    }
}
