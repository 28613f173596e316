import InferenceAPI

extension Interpreter {
    /// Whether model calls go through the results cache (`set cache=on`, the default).
    var usesResultCache: Bool { settings["cache"] != "off" }

    /// The language model `name` — local or remote — as every command runs it: through the results cache
    /// unless `set cache=off`, so a rerun, a replay or a resumed run recomputes nothing already done.
    func languageModel(_ name: String, for invocation: Invocation) throws -> any LanguageModel {
        let model = try invocation.running { try services.models.languageModel(name, cached: usesResultCache) }
        warnIfUncached()
        return model
    }

    /// The reward model `name`, through the results cache unless `set cache=off`.
    func rewardModel(_ name: String, for invocation: Invocation) throws -> any RewardModel {
        let model = try invocation.running { try services.models.rewardModel(name, cached: usesResultCache) }
        warnIfUncached()
        return model
    }

    private func warnIfUncached() {
        guard usesResultCache, let problem = services.models.unreportedCacheProblem() else { return }
        console.status("warning: \(problem); results are not cached this session")
    }
}
