import Dispatch
import Foundation

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// Seconds `work` takes, with its result.
func timed<T>(_ work: () throws -> T) rethrows -> (T, seconds: Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try work()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

/// The 1, 5 and 15-minute load averages: the machine is shared, so every table says how busy it was.
var loadAverage: String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// The line above every table: when, on how many threads, which kernels, under what load.
func printHeader(_ what: String, threads: Int? = nil) {
    let date = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate, .withTime, .withColonSeparatorInTime])
    let threadText = threads.map { ", threads \($0)" } ?? ""
    print("\(what): \(date)\(threadText), load average \(loadAverage)")
}

/// Writes `message` to standard error and exits with status 1: a missing file or model, named.
func failure(_ message: String) -> Never {
    FileHandle.standardError.write(Data("alignscope-bench: \(message)\n".utf8))
    exit(1)
}
