import Foundation
import Reports

extension Services {
    /// The product's wiring: world outlines and country names from the bundled `Datasets/`.
    public static var bundled: Services {
        Services(worldLoader: {
            guard let path = BundledData.path("countries/ne_110m_admin_0_countries.geojson") else { return nil }
            return try WorldGeometry(contentsOf: path)
        })
    }
}

/// Finds files of the repository's `Datasets/` folder: next to the executable's package, or `$ALIGNSCOPE_DATA`.
enum BundledData {
    static func path(_ relative: String) -> String? {
        var roots: [String] = []
        if let root = ProcessInfo.processInfo.environment["ALIGNSCOPE_DATA"] { roots.append(root) }
        roots.append(FileManager.default.currentDirectoryPath + "/Datasets")
        // .build/<config>/alignscope → the package root's Datasets/.
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        for _ in 0..<4 {
            url.deleteLastPathComponent()
            roots.append(url.path + "/Datasets")
        }
        return roots.map { $0 + "/" + relative }.first { FileManager.default.fileExists(atPath: $0) }
    }
}
