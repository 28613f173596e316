/// datasets, open, import (wired to Datasets/Evaluations as their APIs land).
enum DataCommands {
    static var all: [Command] { [] }
}
