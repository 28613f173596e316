import Datasets
import Engine
import Evaluations
import InferenceAPI

/// Analyses run live on a loaded model: the study's tasks through ``LiveRun``, with a progress bar, Ctrl-C
/// keeping what finished. The run itself is published first (so it can be analysed again, exported or
/// compared), then the analysis of it under the command's `as` name.
struct LiveAnalyses {
    let shell: Interpreter
    let invocation: Invocation

    /// The model `name` stands for, when it is a loaded model and not a result of that name.
    func model(_ name: String) -> EngineModel? {
        guard shell.results.lookup(name) == nil, shell.services.models.registration(name) != nil else { return nil }
        return try? shell.services.models.registry.model(named: name)
    }

    /// True when `name` is a registered model (loaded or not) rather than a result.
    func isModel(_ name: String) -> Bool {
        shell.results.lookup(name) == nil && shell.services.models.registration(name) != nil
    }

    func languageModel(_ name: String) throws -> EngineModel {
        try invocation.running { try shell.services.models.languageModel(name) }
    }

    func rewardModel(_ name: String) throws -> EngineModel {
        try invocation.running { try shell.services.models.rewardModel(name) }
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
