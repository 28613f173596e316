import Evaluations
import Reports
import ResultsCache

/// `cache`: what the results cache holds, and clearing it.
enum CacheCommands {
    static var all: [Command] { [cache] }

    static let cache = Command(
        "cache", group: .models, summary: "the results cache: stored results per model; 'cache clear [NAME]' deletes them",
        details: """
        Every score, generation, prompt-logprob, next-token and reward result of every model, local or remote, is
        stored as it is computed in ${ALIGNSCOPE_HOME:-~/.cache/alignscope}/cache.sqlite, keyed by the model's
        identity (weights fingerprint and file, or server and model id), the kind of call, its parameters and the
        exact input text. Re-running or replaying a session, or resuming a run after Ctrl-C, a crash or a server
        restart, recomputes nothing already done. 'cache' lists each model's results by kind and their bytes;
        'cache clear NAME' deletes the results of the model last used under NAME, 'cache clear' all of them.
        'set cache=off' runs this session without the cache.
        """,
        examples: ["cache", "cache clear mistral", "cache clear"],
        syntax: Syntax([Operand("ACTION", .choice(["clear"]), optional: true), Operand("NAME", .model, optional: true)]),
        recorded: false
    ) { invocation, shell in
        let models = shell.services.models
        guard let cache = models.resultCache() else {
            throw invocation.failure("the results cache cannot be opened: \(models.cacheProblem ?? "unknown reason")")
        }
        if invocation.operand("ACTION") == "clear" {
            try clear(invocation.operand("NAME"), in: cache, invocation: invocation, shell: shell)
        } else {
            if let name = invocation.operand("ACTION") ?? invocation.operand("NAME") {
                throw invocation.usageError("unexpected '\(name)'")
            }
            try show(cache, invocation: invocation, shell: shell)
        }
    }

    private static func show(_ cache: ResultCache, invocation: Invocation, shell: Interpreter) throws {
        let statistics = try invocation.running { try cache.statistics() }
        let console = shell.console
        let plural = statistics.models.count == 1 ? "" : "s"
        console.print("results cache \(statistics.path): \(statistics.models.count) model\(plural), \(ModelCommands.grouped(statistics.totalResults)) results, \(ModelCommands.bytes(Int(statistics.fileBytes))) on disk")
        if !shell.usesResultCache { console.print(console.style.dim("· off in this session (set cache=on)")) }
        guard !statistics.models.isEmpty else { return }
        let rows: [[Cell]] = statistics.models.map { model in
            let kinds = model.resultsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return [.text(model.name), .text(model.source), .integer(model.totalResults), .text(kinds),
                    .text(ModelCommands.bytes(model.bytes))]
        }
        console.print(lines: TerminalTable(ResultTable(columns: ["model", "source", "results", "by kind", "bytes"], rows: rows),
                                           maxRows: max(1, shell.settings.integer("rows")))
            .lines(style: console.style))
    }

    private static func clear(_ name: String?, in cache: ResultCache, invocation: Invocation, shell: Interpreter) throws {
        guard let name else {
            let count = try invocation.running { try cache.clearAll() }
            shell.console.print("cleared \(ModelCommands.grouped(count)) results of every model")
            return
        }
        // A remote model's identity is known without loading anything: clear exactly it, whatever name it was
        // stored under. A local model's identity needs its weights, so it is found by the name it was used under.
        let count: Int
        if let remote = shell.services.models.remote(name) {
            count = try invocation.running { try cache.clear(model: remote.identity) }
        } else {
            count = try invocation.running { try cache.clear(modelNamed: name) }
        }
        shell.console.print("cleared \(ModelCommands.grouped(count)) results of \(name)")
    }
}
