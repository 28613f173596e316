/// opinions, dialects, qa, choice, rank, rewards, correlate, compare.
enum AnalysisCommands {
    static var all: [Command] { [] }
}
