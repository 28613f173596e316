import Foundation
import Reports

/// help, set, results, history, save, replay, sleep, quit.
enum SessionCommands {
    static var all: [Command] { [help, set, results, history, save, replay, sleep, quit] }

    static let help = Command(
        "help", group: .session, summary: "list the commands, or explain one with examples",
        details: """
        Every command has the shape  verb subject [on dataset[slice]] [key=value …] [as NAME].
        Commands that compute something store a result under the next handle ($1, $2, …) and, with
        'as NAME', under a name too; show, export, plot and compare take handles or names.
        Quote text with "…" (escapes \\n \\t \\" \\\\) or '…' (literal); a quote may span lines. A trailing
        backslash continues a command on the next line; ';' separates commands; '#' starts a comment.
        """,
        examples: ["help", "help opinions"],
        syntax: Syntax([Operand("COMMAND", .command, optional: true)]), recorded: false
    ) { invocation, shell in
        if let name = invocation.operand("COMMAND"), let command = shell.table.command(named: name) {
            shell.console.print(lines: HelpText.command(command, style: shell.console.style))
        } else {
            shell.console.print(lines: HelpText.overview(shell.table, style: shell.console.style))
        }
    }

    static var set: Command {
        Command(
            "set", group: .session, summary: "show or change settings (rows, bars, color, method, seed, cache)",
            details: "With no arguments, lists every setting with its value and meaning.",
            examples: ["set", "set rows=100 bars=off", "set method=next-token", "set cache=off"],
            syntax: Syntax(options: Settings().options)
        ) { invocation, shell in
            for (key, value) in invocation.options.sorted(by: { $0.key < $1.key }) {
                shell.settings[key] = value
                if key == "color" {
                    let enabled = value == "on" || (value == "auto" && isatty(STDOUT_FILENO) == 1)
                    shell.console.style = TextStyle(enabled: enabled)
                }
            }
            guard invocation.options.isEmpty else { return }
            let width = Settings.definitions.map(\.key.count).max() ?? 0
            for definition in Settings.definitions {
                let key = definition.key + String(repeating: " ", count: width - definition.key.count)
                let value = shell.settings[definition.key]
                shell.console.print("\(key)  \(value.padded(to: 9))  \(shell.console.style.dim(definition.summary))")
            }
        }
    }

    static let results = Command(
        "results", group: .session, summary: "list the results of this session with their handles",
        examples: ["results"], recorded: false
    ) { _, shell in
        guard !shell.results.entries.isEmpty else {
            shell.console.print("no results yet — analyses, import and model commands create them")
            return
        }
        for entry in shell.results.entries {
            shell.console.print("\(shell.console.style.green(entry.label.padded(to: 18)))  \(entry.result.kind.rawValue.padded(to: 11))  \(entry.result.title)")
        }
    }

    static let history = Command(
        "history", group: .session, summary: "list the commands recorded in this session (what save writes)",
        examples: ["history"], recorded: false
    ) { _, shell in
        for (index, entry) in shell.log.enumerated() {
            shell.console.print("\(String(index + 1).padded(to: 4, right: true))  \(entry.command)")
        }
    }

    static let save = Command(
        "save", group: .session, summary: "write the session to Sessions/NAME.alignscope",
        details: """
        Writes every recorded command with its output ('#> ' lines) and its result's digest ('#= ' line), atomically
        (a temporary file, then rename). A NAME with a '/' or ending in .alignscope is used as the path.
        """,
        examples: ["save paper-figures", "save /tmp/try.alignscope"],
        syntax: Syntax([Operand("NAME", .word)]), recorded: false
    ) { invocation, shell in
        let name = try invocation.require("NAME")
        let path = sessionPath(name)
        let title = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        do {
            try SessionFile.writeAtomically(SessionFile.render(shell.log, name: title), to: path)
        } catch {
            throw invocation.failure("cannot write \(path): \(error.localizedDescription)")
        }
        shell.console.status("saved \(shell.log.count) commands to \(path)")
    }

    static let replay = Command(
        "replay", group: .session, summary: "re-run a saved session; --check compares every output",
        details: """
        Runs the file's commands in a fresh session (so its $N handles mean what they meant when it was saved),
        then adds its results to this one. With --check, each command's output and result digest are compared
        with the recorded ones; every difference is reported and the command fails if there is any.
        """,
        examples: ["replay Sessions/paper-figures.alignscope --check", "replay paper-figures"],
        syntax: Syntax([Operand("FILE", .file)], flags: [FlagSpec("--check", "compare outputs with the recorded ones")]),
        recorded: false
    ) { invocation, shell in
        let path = resolveSessionFile(try invocation.require("FILE"))
        try Replay(path: path, check: invocation.has("--check")).run(in: shell, invocation: invocation)
    }

    static let sleep = Command(
        "sleep", group: .session, summary: "wait SECONDS with a progress bar (a diagnostic for Ctrl-C)",
        details: "Polls for Ctrl-C every 20 ms; interrupted, it stops and the shell returns to the prompt.",
        examples: ["sleep 2"],
        syntax: Syntax([Operand("SECONDS", .number)]), recorded: false
    ) { invocation, shell in
        let seconds = Double(try invocation.require("SECONDS")) ?? 0
        let (control, bar) = shell.runControl(label: "sleep")
        defer { bar?.finish() }
        let steps = max(1, Int(seconds * 50))
        for step in 0..<steps {
            try control.cancellation.check()
            usleep(20_000)
            control.progress?(step + 1, steps)
        }
    }

    static let quit = Command("quit", group: .session, summary: "leave the shell (Ctrl-D does too)",
                              examples: ["quit"], recorded: false) { _, shell in
        shell.shouldQuit = true
    }

    static func sessionPath(_ name: String) -> String {
        if name.contains("/") || name.hasSuffix(".alignscope") { return name }
        return "Sessions/\(name).alignscope"
    }

    /// `replay NAME` finds `Sessions/NAME.alignscope` when NAME itself is not a file.
    static func resolveSessionFile(_ name: String) -> String {
        if FileManager.default.fileExists(atPath: name) { return name }
        let candidate = sessionPath(name)
        return FileManager.default.fileExists(atPath: candidate) ? candidate : name
    }
}

extension String {
    func padded(to width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - count))
        return right ? padding + self : self + padding
    }
}
