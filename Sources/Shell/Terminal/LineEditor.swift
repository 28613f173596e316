@preconcurrency import CLibEdit
import CLineEditShim
@preconcurrency import Glibc

/// The interactive line editor: libedit with emacs keys, persistent history, Tab completion and Ctrl-C that
/// clears the line instead of killing the shell.
public final class LineEditor {
    public enum Read: Equatable {
        case line(String)
        /// Ctrl-C at the prompt: the caller discards what was typed.
        case interrupted
        /// Ctrl-D on an empty line.
        case endOfFile
    }

    /// Text before the cursor → the word being completed and what could replace it.
    public typealias CompletionFunction = (String) -> Completion

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private let complete: CompletionFunction
    private var prompt: UnsafeMutablePointer<CChar>
    fileprivate var interrupted = false

    public init(program: String, historyPath: String?, complete: @escaping CompletionFunction) {
        setlocale(LC_CTYPE, "")  // libedit decodes UTF-8 input only under a UTF-8 locale
        self.historyPath = historyPath
        self.complete = complete
        self.prompt = strdup("> ")
        editLine = el_init(program, stdin, stdout, stderr)
        history = history_init()
        as_history_setsize(history, 2000)
        as_history_setunique(history, 1)
        if let historyPath { as_history_load(history, historyPath) }

        as_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        as_el_set_editor(editLine, "emacs")
        as_el_set_signal(editLine, 1)  // libedit redraws on SIGWINCH
        as_el_set_history(editLine, history)
        as_el_set_prompt(editLine) { editLine in
            guard let editLine, let data = as_el_get_clientdata(editLine) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().prompt
        }
        // Ctrl-C as a key, not a signal, while editing: it clears the line and the shell lives on.
        as_el_setty_edit(editLine, "-isig")
        as_el_add_function(editLine, "alignscope-interrupt", "Discard the line") { editLine, _ in
            guard let editLine, let data = as_el_get_clientdata(editLine) else { return UInt8(CC_ERROR) }
            Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().interrupted = true
            return UInt8(CC_NEWLINE)
        }
        as_el_bind(editLine, "^C", "alignscope-interrupt")
        as_el_add_function(editLine, "alignscope-complete", "Complete the word") { editLine, _ in
            guard let editLine, let data = as_el_get_clientdata(editLine) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().completeWord()
        }
        as_el_bind(editLine, "^I", "alignscope-complete")
        el_source(editLine, nil)  // the user's ~/.editrc, if any
    }

    deinit {
        el_end(editLine)
        history_end(history)
        free(prompt)
    }

    public func readLine(prompt text: String) -> Read {
        free(prompt)
        prompt = strdup(text)
        interrupted = false
        var count: Int32 = 0
        let line = el_gets(editLine, &count)
        if interrupted {
            // With ISIG off the terminal echoes nothing for Ctrl-C; show it as a shell does and move on.
            fputs("^C\n", stdout)
            fflush(stdout)
            return .interrupted
        }
        guard let line, count > 0 else { return .endOfFile }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return .line(text)
    }

    /// Adds an entry and saves the history file at once, so a crash or a killed terminal keeps it.
    public func addHistory(_ entry: String) {
        as_history_enter(history, entry)
        if let historyPath { as_history_save(history, historyPath) }
    }

    private func completeWord() -> UInt8 {
        guard let info = el_line(editLine)?.pointee else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let before = UnsafeRawBufferPointer(start: info.buffer, count: max(0, length))
        let text = String(decoding: before, as: UTF8.self)
        let completion = complete(text)
        let candidates = completion.candidates
        guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }

        let replacement: String
        if candidates.count == 1 {
            let only = candidates[0]
            let continues = only.hasSuffix("=") || only.hasSuffix("/") || only.hasSuffix("[") || only.hasSuffix(",")
            replacement = continues ? only : only + " "
        } else {
            replacement = Completion.commonPrefix(candidates)
        }
        if replacement.count > completion.word.count || (candidates.count == 1 && replacement != completion.word) {
            el_deletestr(editLine, Int32(completion.word.unicodeScalars.count))
            el_insertstr(editLine, replacement)
            return UInt8(CC_REFRESH)
        }
        // Nothing to add: list the choices under the line, then redraw the prompt.
        let listing = Completion.columns(candidates, width: terminalColumns())
        fputs("\n" + listing + "\n", stdout)
        fflush(stdout)
        return UInt8(CC_REDISPLAY)
    }
}

/// What Tab offers for the word under the cursor.
public struct Completion: Equatable, Sendable {
    /// The partial word as typed (it is replaced by the chosen candidate).
    public var word: String
    /// Full replacements for `word`, sorted.
    public var candidates: [String]

    public init(word: String, candidates: [String]) {
        self.word = word
        self.candidates = candidates
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first.map(Array.init) else { return "" }
        for word in words.dropFirst() {
            let characters = Array(word)
            var length = 0
            while length < min(prefix.count, characters.count) && prefix[length] == characters[length] { length += 1 }
            prefix = Array(prefix.prefix(length))
        }
        return String(prefix)
    }

    /// Candidates laid out in columns like a shell's completion listing.
    static func columns(_ words: [String], width: Int) -> String {
        let cell = (words.map(\.count).max() ?? 0) + 2
        let perLine = max(1, width / max(1, cell))
        var lines: [String] = []
        var index = 0
        while index < words.count {
            let row = words[index..<min(words.count, index + perLine)]
            lines.append(row.map { $0 + String(repeating: " ", count: max(0, cell - $0.count)) }.joined()
                .trimmingWhitespace())
            index += perLine
        }
        return lines.joined(separator: "\n")
    }
}
