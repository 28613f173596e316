import Foundation

/// The team's read-only `../shared` (reference tokenizers and chat-template cases): `$ALIGNSCOPE_SHARED`, else
/// beside the checkout that holds the bundled `Datasets/`. Only the tokenizer and template benchmarks use it,
/// for the same inputs their Python peers read.
enum SharedFiles {
    static var root: String? {
        var candidates: [String] = []
        if let variable = ProcessInfo.processInfo.environment["ALIGNSCOPE_SHARED"] { candidates.append(variable) }
        let checkout = URL(fileURLWithPath: Workloads.bundledRoot()).deletingLastPathComponent()
        candidates.append(checkout.deletingLastPathComponent().appendingPathComponent("shared").path)
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// `relative` under ../shared, or the program ends naming what to set.
    static func path(_ relative: String) -> String {
        guard let root, FileManager.default.fileExists(atPath: root + "/" + relative) else {
            failure("\(relative) not found under ../shared: set ALIGNSCOPE_SHARED or name the file")
        }
        return root + "/" + relative
    }
}
