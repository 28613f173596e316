import FuzzDriver
@testable import ModelFormats

/// The safe unpickler alone, on raw pickle programs (what a `data.pkl` holds).
runFuzzer { input in
    var machine = PickleMachine(input, path: "fuzz.pt", place: .entry("fuzz/data.pkl"), fileOffset: 0)
    _ = try? machine.run()
}
