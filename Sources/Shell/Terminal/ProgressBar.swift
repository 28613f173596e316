import Foundation
import Synchronization

/// A one-line progress bar on stderr with rate and ETA, redrawn at most ten times a second.
/// Safe to update from any thread (models report progress from their workers).
public final class ProgressBar: Sendable {
    private struct State {
        var started: ContinuousClock.Instant
        var lastDraw: ContinuousClock.Instant?
        var drawn = false
    }

    private let label: String
    private let write: @Sendable (String) -> Void
    private let state: Mutex<State>

    init(label: String, console: Console) {
        self.label = label
        nonisolated(unsafe) let console = console
        // Console writes are plain FileHandle writes; the bar is the only writer while a command runs.
        self.write = { console.writeRawError($0) }
        self.state = Mutex(State(started: .now))
    }

    public func update(done: Int, total: Int) {
        let now = ContinuousClock.now
        let line: String? = state.withLock { state in
            if let last = state.lastDraw, now - last < .milliseconds(100), done < total { return nil }
            state.lastDraw = now
            state.drawn = true
            let elapsed = Self.seconds(now - state.started)
            return Self.line(label: label, done: done, total: total, elapsed: elapsed)
        }
        if let line { write("\r\u{1B}[2K" + line) }
    }

    /// Clears the bar so the command's output starts on a clean line.
    public func finish() {
        let drawn = state.withLock { $0.drawn }
        if drawn { write("\r\u{1B}[2K") }
    }

    static func line(label: String, done: Int, total: Int, elapsed: Double, width: Int = 24) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var text = "\(label) \(bar) \(done)/\(total) \(formatRate(rate))/s"
        if rate > 0 && done < total {
            text += " ETA \(clock(Double(total - done) / rate))"
        }
        return text
    }

    static func formatRate(_ rate: Double) -> String {
        rate >= 100 ? String(Int(rate.rounded())) : String(format: "%.1f", rate)
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, (total / 60) % 60, total % 60)
        let mmss = String(format: "%02d:%02d", minutes, secs)
        return hours > 0 ? "\(hours):\(mmss)" : mmss
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
