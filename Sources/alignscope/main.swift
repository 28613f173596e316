import ArgumentParser
import Foundation
import Shell

/// `alignscope` — the REPL on a terminal; `-c 'CMD; CMD'`, `run FILE` and piped stdin for scripts.
struct AlignScope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alignscope",
        abstract: "An interactive shell for probing how alignment changes a language model's global representation.",
        subcommands: [Interactive.self, Run.self, Replay.self, Serve.self],
        defaultSubcommand: Interactive.self
    )
}

struct Interactive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell", abstract: "Start the REPL (the default); with stdin not a terminal, run it line by line.")

    @Option(name: .customShort("c"), help: "Run commands separated by ';' and exit; non-zero at the first failure.")
    var commands: String?

    func run() throws {
        let status: Int32
        if let commands {
            status = ShellMain.commands(commands)
        } else if isatty(STDIN_FILENO) == 1 {
            status = ShellMain.interactive()
        } else {
            status = ShellMain.standardInput()
        }
        if status != 0 { throw ExitCode(status) }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a session file; stop with non-zero status at the first failure.")

    @Argument(help: "A .alignscope file (recorded '#>' outputs are ignored).")
    var file: String

    func run() throws {
        let status = ShellMain.script(path: file)
        if status != 0 { throw ExitCode(status) }
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Replay a session file; --check compares every recorded output.")

    @Argument(help: "A .alignscope file, or the NAME of Sessions/NAME.alignscope.")
    var file: String

    @Flag(help: "Report each output that differs and exit non-zero if any does.")
    var check = false

    func run() throws {
        let command = "replay " + quoted(file) + (check ? " --check" : "")
        let status = ShellMain.commands(command)
        if status != 0 { throw ExitCode(status) }
    }

    private func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }
}

AlignScope.main()
