import Engine
import Foundation
import InferenceAPI

/// The ways `alignscope` runs, each returning the process exit status (the scripting contract: non-zero at the
/// first failing command, with its message on stderr).
public enum ShellMain {
    /// An interpreter wired to the bundled data.
    public static func makeInterpreter(cancellation: Cancellation? = nil) -> Interpreter {
        Interpreter(console: .standard(), services: .bundled, cancellation: cancellation ?? Cancellation())
    }

    /// The REPL on a terminal.
    public static func interactive() -> Int32 {
        InterruptHandler.install()
        let interpreter = makeInterpreter(cancellation: InterruptHandler.cancellation)
        registerDefaultModel(in: interpreter)
        return REPL(interpreter: interpreter, historyPath: REPL.defaultHistoryPath).run()
    }

    /// The embedded SmolLM2 is there as `smollm` when it has been fetched (headers only: about 0.1 s).
    /// Scripts and sessions load their models explicitly, so their meaning never depends on this.
    static func registerDefaultModel(in interpreter: Interpreter) {
        guard let path = DefaultModel.path else {
            interpreter.console.status("no default model: scripts/fetch-smollm2.sh fetches SmolLM2-135M-Instruct")
            return
        }
        if (try? interpreter.services.models.load(name: "smollm", path: path, conversion: .none)) != nil {
            interpreter.console.status("smollm = SmolLM2-135M-Instruct (Q4_1), ready: try  ask smollm \"What is the capital of France?\" chat")
        }
    }

    /// `alignscope -c 'CMD; CMD'`.
    public static func commands(_ text: String) -> Int32 {
        makeInterpreter().execute(text) ? 0 : 1
    }

    /// `alignscope run FILE`: recorded outputs in a session file are comments and are ignored.
    public static func script(path: String) -> Int32 {
        let interpreter = makeInterpreter()
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            interpreter.console.error("cannot read \(path)")
            return 1
        }
        return interpreter.execute(text, source: .init(name: path)) ? 0 : 1
    }

    /// Piped stdin: statements run as their lines complete, without a prompt.
    public static func standardInput() -> Int32 {
        let interpreter = makeInterpreter()
        var pending = "", pendingLine = 1, lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            if pending.isEmpty { pendingLine = lineNumber }
            pending = pending.isEmpty ? line : pending + "\n" + line
            if Lexer.needsContinuation(pending) { continue }
            defer { pending = "" }
            guard interpreter.execute(pending, source: .init(name: "<stdin>", firstLine: pendingLine)) else { return 1 }
            if interpreter.shouldQuit { return 0 }
        }
        if !pending.isEmpty { return interpreter.execute(pending, source: .init(name: "<stdin>", firstLine: pendingLine)) ? 0 : 1 }
        return 0
    }
}
