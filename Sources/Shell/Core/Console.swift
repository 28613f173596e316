import Foundation
import Reports

/// Where commands write. Result output goes to stdout and into the session record; status lines (timings,
/// progress, warnings) go to stderr and are not recorded, so a replay compares only what the analysis produced.
public final class Console {
    /// Styling for stdout (ANSI only when stdout is a terminal and colour is on).
    public var style: TextStyle
    /// Styling for stderr.
    public var errorStyle: TextStyle
    /// Whether stderr is a terminal, so progress bars may be drawn.
    public let showsProgress: Bool
    /// Terminal width for bar charts.
    public var columns: Int

    private let writeOut: (String) -> Void
    private let writeError: (String) -> Void
    private var recording: [String]?
    private var pendingStream = ""

    public init(style: TextStyle, errorStyle: TextStyle, showsProgress: Bool, columns: Int = 100,
                writeOut: @escaping (String) -> Void, writeError: @escaping (String) -> Void) {
        self.style = style
        self.errorStyle = errorStyle
        self.showsProgress = showsProgress
        self.columns = columns
        self.writeOut = writeOut
        self.writeError = writeError
    }

    /// The process's stdout and stderr, styled when they are terminals (and `NO_COLOR` is unset).
    public static func standard() -> Console {
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"] != nil
        let outIsTerminal = isatty(STDOUT_FILENO) == 1, errIsTerminal = isatty(STDERR_FILENO) == 1
        return Console(style: TextStyle(enabled: outIsTerminal && !noColor),
                       errorStyle: TextStyle(enabled: errIsTerminal && !noColor),
                       showsProgress: errIsTerminal,
                       columns: terminalColumns(),
                       writeOut: { FileHandle.standardOutput.write(Data($0.utf8)) },
                       writeError: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    /// While muted, output is recorded but not printed (`replay --check` compares without flooding the screen).
    public var isMuted = false

    /// Result output: printed and recorded.
    public func print(_ line: String = "") {
        flushStream()
        if !isMuted { writeOut(line + "\n") }
        recording?.append(Self.stripANSI(line))
    }

    public func print(lines: [String]) {
        for line in lines { print(line) }
    }

    /// Text that arrives in pieces (streamed tokens): printed as it comes, recorded as whole lines.
    public func stream(_ piece: String) {
        if !isMuted { writeOut(piece) }
        pendingStream += piece
    }

    /// Ends a streamed line.
    public func endStream() {
        guard !pendingStream.isEmpty else { return }
        if !isMuted { writeOut("\n") }
        flushStream()
    }

    private func flushStream() {
        guard !pendingStream.isEmpty else { return }
        for line in pendingStream.split(separator: "\n", omittingEmptySubsequences: false) {
            recording?.append(String(line))
        }
        pendingStream = ""
    }

    /// Status on stderr, not recorded: timings, warnings, what is being loaded.
    public func status(_ line: String) {
        writeError(errorStyle.dim(line) + "\n")
    }

    /// An error line on stderr.
    public func error(_ message: String) {
        writeError(errorStyle.red("error: ") + message + "\n")
    }

    /// Raw text on stderr (the progress bar draws with carriage returns).
    public func writeRawError(_ text: String) { writeError(text) }

    func beginRecording() {
        recording = []
        pendingStream = ""
    }

    func endRecording() -> [String] {
        flushStream()
        defer { recording = nil }
        return recording ?? []
    }

    /// Removes ANSI SGR sequences (`ESC [ … m`).
    static func stripANSI(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        var out = ""
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\u{1B}" {
                while let next = iterator.next(), !(next.properties.isAlphabetic) {}
                continue
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}

/// Columns of the controlling terminal, or 100 when there is none.
func terminalColumns() -> Int {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
    return 100
}
