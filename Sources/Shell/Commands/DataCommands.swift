import Datasets
import Evaluations

/// datasets, open, import.
enum DataCommands {
    static var all: [Command] { [datasets, open, importCommand] }

    static let datasets = Command(
        "datasets", group: .data, summary: "list the datasets by name, what each holds and whether it is parsed yet",
        details: "Registering reads nothing; a dataset is parsed on first use and served from memory after.",
        examples: ["datasets"]
    ) { _, shell in
        let catalog = shell.services.catalog
        guard !catalog.entries.isEmpty else {
            shell.console.print("no datasets: the bundled Datasets/ directory was not found (set ALIGNSCOPE_DATASETS)")
            return
        }
        let width = catalog.entries.map(\.name.count).max() ?? 0
        for entry in catalog.entries {
            let state = catalog.isLoaded(entry.name) ? "loaded" : "      "
            shell.console.print("\(shell.console.style.cyan(entry.name.padded(to: width)))  \(entry.kind.rawValue.padded(to: 12))  \(state)  \(entry.summary)")
        }
        shell.console.print(shell.console.style.dim("slices: goqa[0:100], goqa[country=Nigeria], md3[en_ng], tydiqa[telugu][:50], belebele[eng][:40]"))
    }

    static let open = Command(
        "open", group: .data, summary: "register a dataset file under a name (e.g. the full GOQA CSV)",
        details: "The kind is told from the name (goqa, md3, tydiqa, belebele, askreddit …) or the file; kind= forces it.",
        examples: ["open goqa ~/Downloads/global_opinions.csv", "open md3raw ~/md3 kind=md3-raw"],
        syntax: Syntax([Operand("NAME", .word), Operand("FILE", .file)],
                       options: [OptionSpec("kind", .choice(DatasetKind.allCases.map(\.rawValue)), "the file's format")])
    ) { invocation, shell in
        let name = try invocation.require("NAME"), path = expandingTilde(try invocation.require("FILE"))
        let kind = invocation.option("kind").flatMap(DatasetKind.init(rawValue:))
        let entry: DatasetCatalog.Entry
        do { entry = try shell.services.catalog.open(name: name, path: path, kind: kind) } catch {
            throw invocation.failure("\(error)")
        }
        shell.console.print("\(entry.name): \(entry.summary)")
    }

    static let importCommand = Command(
        "import", group: .data, summary: "read a released output file into a result named NAME",
        details: """
        Reads every kind of file in the study's released outputs: GlobalOpinionsQA option probabilities, MD3
        games, TyDiQA generations (a file or a directory), AskReddit NLLs and rewards, where-from rewards, the
        Mean Rank and correlation tables. NAME becomes the model's name and the result's name; analyses then
        take it as their subject. Paths are tried as given, then under the bundled Datasets/ directory, and are
        printed relative to the working directory or Datasets/ (so a saved session replays from any checkout).
        A malformed row is an error naming file and line; with skip-malformed it is left out and counted.
        """,
        examples: ["import mistral from paper-outputs/globalopinionsqa/Mistral-7B-v0.1_8bit.csv",
                   "import zephyr from paper-outputs/tydiqa-goldp/zephyr-7b-beta_8bit"],
        syntax: Syntax([Operand("NAME", .word)], clauses: [Clause("from", Operand("FILE", .file))],
                       flags: [FlagSpec("skip-malformed", "leave malformed rows out and count them")],
                       producesResult: true)
    ) { invocation, shell in
        let name = try invocation.require("NAME")
        guard let file = invocation.clause("from") else { throw invocation.usageError("expected 'from FILE'") }
        let path = shell.services.resolvePath(file)
        let result: any AnalysisResult
        do {
            result = try Importer.import(file: path, shownAs: shell.services.shownPath(path, given: file), model: name,
                                         policy: invocation.has("skip-malformed") ? .skip : .fail)
        } catch {
            throw invocation.failure("\(error)")
        }
        var named = invocation
        if named.resultName == nil { named.resultName = name }
        shell.publish(result, for: named, summary: true)
    }
}
