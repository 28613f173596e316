/// load, info, tokenize, template, ask, score, next, reward (engine-backed).
enum ModelCommands {
    static var all: [Command] { [] }
}
