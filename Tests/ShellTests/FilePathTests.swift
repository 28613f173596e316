import Engine
import Foundation
import TestSupport
import XCTest
@testable import Shell

/// Paths the shell prints and the files it finds on its own, through the real `alignscope` binary.
final class FilePathTests: XCTestCase {
    private let datasets = PathsForTests.repository.appendingPathComponent("Datasets")
    private let md3 = "paper-outputs/md3-game/zephyr-7b-beta_8bit-no-answers.csv"

    /// `import … from paper-outputs/…` names the file relative to the bundled Datasets/ (or to the working
    /// directory when the file is under it), never by this checkout's absolute path: a saved session replays
    /// from any checkout.
    func testImportNamesBundledFilesRelatively() throws {
        let elsewhere = temporaryDirectory()
        let environment = ["ALIGNSCOPE_DATA": datasets.path]
        let cases: [(command: String, directory: URL, shown: String)] = [
            ("import m from \(md3)", elsewhere, md3),
            ("import m from \(datasets.path)/\(md3)", elsewhere, md3),
            ("import m from \(md3)", PathsForTests.repository, "Datasets/" + md3),
            ("import m from Datasets/\(md3)", PathsForTests.repository, "Datasets/" + md3),
        ]
        for (command, directory, shown) in cases {
            let run = try ShellRun.run(["-c", command], environment: environment, in: directory)
            XCTAssertEqual(run.status, 0, run.err)
            XCTAssertTrue(run.out.contains("· imported from \(shown)\n"), "\(command) in \(directory.path): \(run.out)")
            XCTAssertFalse(run.out.contains(PathsForTests.repository.path), "\(command): \(run.out)")
        }
        // A malformed row's error names the file the same way (here: under the working directory).
        try FileManager.default.createDirectory(at: elsewhere.appendingPathComponent("outputs"), withIntermediateDirectories: true)
        try """
        question,options,probs,model_id,load_8bit,max_choice,chose_first,chose_last,chose_middle,Chile,Peru
        Q1,"['a', 'b']","[0.5, 0.5]",m,True,0,True,False,False,-1.0,0.7
        Q2,"['a', 'b']","[0.5, 0.5, 0.1]",m,True,0,True,False,False,-1.0,0.7

        """.write(to: elsewhere.appendingPathComponent("outputs/bad.csv"), atomically: true, encoding: .utf8)
        let bad = try ShellRun.run(["-c", "import m from \(elsewhere.path)/outputs/bad.csv"], environment: environment, in: elsewhere)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.err.contains("import: outputs/bad.csv:3: probs has 3 values for 2 options"), bad.err)
    }

    /// `$ALIGNSCOPE_HOME/models/SmolLM2-135M-Instruct.Q4_1.gguf` may be a symlink into another store: the
    /// REPL registers it and `serve` serves it.
    func testTheDefaultModelMayBeASymlink() throws {
        let real = try TestFiles.requireSmolLM2().resolvingSymlinksInPath()
        let home = temporaryDirectory()
        try FileManager.default.createDirectory(at: home.appendingPathComponent("models"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: home.appendingPathComponent("models/\(DefaultModel.fileName)").path,
                                                   withDestinationPath: real.path)

        let saved = ProcessInfo.processInfo.environment["ALIGNSCOPE_HOME"]
        setenv("ALIGNSCOPE_HOME", home.path, 1)
        defer { if let saved { setenv("ALIGNSCOPE_HOME", saved, 1) } else { unsetenv("ALIGNSCOPE_HOME") } }
        XCTAssertEqual(DefaultModel.path, home.appendingPathComponent("models/\(DefaultModel.fileName)").path)
        XCTAssertEqual(TestFiles.smolLM2.path, DefaultModel.expectedPath)
        let captured = CapturedConsole()
        let shell = Interpreter(console: captured.console)
        ShellMain.registerDefaultModel(in: shell)
        XCTAssertTrue(shell.services.models.isModel("smollm"), captured.err)

        let server = try ShellRun.start(["serve", "--host", "127.0.0.1", "--port", "0"], environment: ["ALIGNSCOPE_HOME": home.path])
        defer { server.kill() }
        let deadline = Date().addingTimeInterval(60)
        while !server.outputSoFar.contains("\n"), server.process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(server.outputSoFar.contains("serving smollm2"), server.outputSoFar)
    }
}
