import Foundation

/// The machine's memory as /proc/meminfo reports it (Linux); nil fields where unknown.
public struct MemoryInfo: Sendable, Equatable {
    public var totalBytes: Int?
    /// `MemAvailable`: what can be allocated without swapping (page cache counts as available).
    public var availableBytes: Int?

    public static func current() -> MemoryInfo {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return MemoryInfo() }
        return parse(text)
    }

    /// Parses meminfo lines such as `MemAvailable:   23101234 kB`.
    static func parse(_ text: String) -> MemoryInfo {
        var info = MemoryInfo()
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == ":" })
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { continue }
            switch fields[0] {
            case "MemTotal": info.totalBytes = kilobytes * 1024
            case "MemAvailable": info.availableBytes = kilobytes * 1024
            default: break
            }
        }
        return info
    }
}

/// "1.23 GB", for messages.
func formatBytes(_ bytes: Int) -> String {
    let value = Double(bytes)
    if value >= 1e9 { return String(format: "%.2f GB", value / 1e9) }
    if value >= 1e6 { return String(format: "%.1f MB", value / 1e6) }
    return String(format: "%.0f kB", value / 1e3)
}
