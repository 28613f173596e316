import Foundation

/// The interactive loop: prompt, multi-line input, history, and Ctrl-C/Ctrl-D handling around the interpreter.
public struct REPL {
    public let interpreter: Interpreter
    public let editor: LineEditor

    public static let prompt = "alignscope> "
    public static let continuationPrompt = "        ...> "

    public init(interpreter: Interpreter, historyPath: String?) {
        self.interpreter = interpreter
        let completer = Completer(table: interpreter.table) { [unowned interpreter] kind in
            interpreter.vocabulary(kind)
        }
        editor = LineEditor(program: "alignscope", historyPath: historyPath) { completer.complete($0) }
    }

    /// Runs until `quit` or Ctrl-D; returns the process exit status.
    public func run() -> Int32 {
        interpreter.console.status("AlignScope — type 'help' for the commands, Ctrl-D or 'quit' to leave.")
        var pending = ""
        while !interpreter.shouldQuit {
            switch editor.readLine(prompt: pending.isEmpty ? Self.prompt : Self.continuationPrompt) {
            case .endOfFile:
                print("")
                return 0
            case .interrupted:
                pending = ""
            case .line(let line):
                pending = pending.isEmpty ? line : pending + "\n" + line
                if Lexer.needsContinuation(pending) { continue }
                let statement = pending
                pending = ""
                guard !statement.trimmingWhitespace().isEmpty else { continue }
                editor.addHistory(statement)
                interpreter.execute(statement)
            }
        }
        return 0
    }

    /// `~/.alignscope_history` (or `$ALIGNSCOPE_HISTORY`, which tests point elsewhere).
    public static var defaultHistoryPath: String {
        if let path = ProcessInfo.processInfo.environment["ALIGNSCOPE_HISTORY"], !path.isEmpty { return path }
        return NSHomeDirectory() + "/.alignscope_history"
    }
}
