import Datasets
import Evaluations
import InferenceAPI

/// Analyses run live on a loaded model: the study's tasks through ``LiveRun``, with a progress bar, Ctrl-C
/// keeping what finished. The run itself is published first (so it can be analysed again, exported or
/// compared), then the analysis of it under the command's `as` name.
struct LiveAnalyses {
    let shell: Interpreter
    let invocation: Invocation

    /// True when `name` is a model — local (loaded or not) or remote — rather than a result.
    func isModel(_ name: String) -> Bool {
        shell.results.lookup(name) == nil && shell.services.models.isModel(name)
    }

    func languageModel(_ name: String) throws -> any LanguageModel {
        try shell.languageModel(name, for: invocation)
    }

    func rewardModel(_ name: String) throws -> any RewardModel {
        try shell.rewardModel(name, for: invocation)
    }

    var method: ScoringMethod { ScoringMethod(rawValue: shell.settings["method"]) ?? .meanNLL }

    /// Runs `body` with a Ctrl-C-aware control and a progress bar on a terminal.
    func running<T>(_ label: String, _ body: (RunControl) throws -> T) throws -> T {
        let (control, bar) = shell.runControl(label: label)
        defer { bar?.finish() }
        return try invocation.running { try body(control) }
    }

    /// Publishes a live run without a name (its analysis takes the `as` name), as a summary.
    func publishRun(_ run: any AnalysisResult) {
        var unnamed = invocation
        unnamed.resultName = nil
        shell.publish(run, for: unnamed, summary: true)
    }

    func dataset(_ text: String) throws -> Dataset { try Subjects(shell: shell, invocation: invocation).dataset(text) }
}
