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
}

/// `~/x` → the home directory's `x` (the shell, not the OS, expands it in a REPL).
func expandingTilde(_ path: String) -> String {
    guard path == "~" || path.hasPrefix("~/") else { return path }
    return NSHomeDirectory() + path.dropFirst()
}
