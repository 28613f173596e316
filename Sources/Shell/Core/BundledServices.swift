import Datasets
import Foundation
import Reports

extension Services {
    /// The product's wiring: the catalog of the bundled `Datasets/` directory and its world outlines.
    public static var bundled: Services {
        guard let root = DatasetCatalog.locateBundledRoot() else { return Services() }
        return Services(catalog: .bundled(root: root), worldLoader: {
            try WorldGeometry(contentsOf: root + "/" + BundledData.naturalEarth)
        })
    }

    /// A user's path as given, else relative to the bundled `Datasets/` directory, so session files can name
    /// `paper-outputs/…` and run from anywhere.
    func resolvePath(_ path: String) -> String {
        let path = expandingTilde(path)
        if FileManager.default.fileExists(atPath: path) { return path }
        if let root = catalog.root, !path.hasPrefix("/") {
            // `paper-outputs/…` under Datasets/, or `Datasets/paper-outputs/…` under the repository.
            let repository = URL(fileURLWithPath: root).deletingLastPathComponent().path
            for base in [root, repository] where FileManager.default.fileExists(atPath: base + "/" + path) {
                return base + "/" + path
            }
        }
        return path
    }

    /// How output names a file opened by ``resolvePath(_:)``: relative to the working directory when the file is
    /// under it, else relative to the bundled `Datasets/` when under that, else as the user wrote it — never an
    /// absolute path that differs from checkout to checkout, so a saved session replays anywhere.
    func shownPath(_ resolved: String, given: String) -> String {
        let file = URL(fileURLWithPath: resolved).standardizedFileURL.path
        for base in [FileManager.default.currentDirectoryPath, catalog.root].compactMap({ $0 }) {
            let directory = URL(fileURLWithPath: base).standardizedFileURL.path
            let prefix = directory.hasSuffix("/") ? directory : directory + "/"
            if file.hasPrefix(prefix), file.count > prefix.count { return String(file.dropFirst(prefix.count)) }
        }
        return given
    }
}

/// `~/x` → the home directory's `x` (the shell, not the OS, expands it in a REPL).
func expandingTilde(_ path: String) -> String {
    guard path == "~" || path.hasPrefix("~/") else { return path }
    return NSHomeDirectory() + path.dropFirst()
}
