import Foundation

/// One recorded command: what was typed, what it printed, and a digest of the result it produced.
public struct SessionEntry: Equatable, Sendable {
    public var command: String
    /// The command's stdout, without colour.
    public var output: [String]
    /// `$N fnv1a64:…` for commands that produced a result.
    public var digest: String?
    /// 1-based line of the command in the file it was read from.
    public var line: Int

    public init(command: String, output: [String], digest: String?, line: Int = 0) {
        self.command = command
        self.output = output
        self.digest = digest
        self.line = line
    }
}

/// The `.alignscope` session format: a script anyone can read, run or edit.
///
/// ```
/// # AlignScope session …            comments: any line starting with '#' that is not '#>' or '#='
/// import mistral from FILE           a command, exactly as typed (quoted text may span lines)
/// #> $1 = mistral: …                 its recorded output, one '#> ' line per printed line
/// #= $1 fnv1a64:8c1f2a3b4c5d6e7f     the digest of the result it produced, if any
/// ```
/// `alignscope run FILE` executes the commands and ignores the recorded lines; `replay FILE --check` compares.
public enum SessionFile {
    public static let outputPrefix = "#> "
    public static let digestPrefix = "#= "

    public static func render(_ entries: [SessionEntry], name: String, date: Date = Date()) -> String {
        let stamp = ISO8601DateFormatter().string(from: date)
        var text = """
        # AlignScope session "\(name)", saved \(stamp).
        # Each command is followed by the output it printed ('#> ' lines) and, when it produced a result, a
        # digest of the result's full table ('#= ' line). Re-run with `alignscope run FILE`; check that every
        # output is reproduced with `alignscope replay FILE --check`.

        """
        for entry in entries {
            text += "\n" + entry.command + "\n"
            for line in entry.output {
                text += (line.isEmpty ? "#>" : outputPrefix + line) + "\n"
            }
            if let digest = entry.digest { text += digestPrefix + digest + "\n" }
        }
        return text
    }

    /// Reads the commands of a session file with the output recorded under each.
    public static func parse(_ text: String) throws(LexError) -> [SessionEntry] {
        var entries: [SessionEntry] = []
        var pending = ""
        var pendingLine = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            if !pending.isEmpty {
                pending += "\n" + line
                if !Lexer.needsContinuation(pending) { try finish(&pending, line: pendingLine, into: &entries) }
                continue
            }
            if line == "#>" || line.hasPrefix(outputPrefix) {
                if !entries.isEmpty { entries[entries.count - 1].output.append(String(line.dropFirst(3))) }
            } else if line.hasPrefix(digestPrefix) {
                if !entries.isEmpty { entries[entries.count - 1].digest = String(line.dropFirst(3)) }
            } else if line.trimmingWhitespace().isEmpty || line.trimmingWhitespace().hasPrefix("#") {
                continue
            } else {
                pending = line
                pendingLine = index + 1
                if !Lexer.needsContinuation(pending) { try finish(&pending, line: pendingLine, into: &entries) }
            }
        }
        if !pending.isEmpty { try finish(&pending, line: pendingLine, into: &entries) }
        return entries
    }

    private static func finish(_ pending: inout String, line: Int,
                               into entries: inout [SessionEntry]) throws(LexError) {
        for statement in try Lexer.statements(in: pending, firstLine: line) {
            entries.append(SessionEntry(command: statement.text, output: [], digest: nil, line: statement.line))
        }
        pending = ""
    }

    /// Writes `text` to `path` atomically: a temporary file in the same directory, then rename(2), so a crash
    /// never leaves half a session behind.
    public static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(path): \(reason)"])
        }
    }
}
