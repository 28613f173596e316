/// ANSI styling that is a no-op unless the output is a terminal.
///
/// A value rather than a global switch (such as Rainbow's `Rainbow.enabled`): stdout may be a pipe while stderr is
/// a terminal, and tests render both ways in one process.
public struct TextStyle: Sendable, Equatable {
    public var isEnabled: Bool

    public init(enabled: Bool) { isEnabled = enabled }

    public static let plain = TextStyle(enabled: false)
    public static let ansi = TextStyle(enabled: true)

    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func red(_ text: String) -> String { wrap(text, "31") }
    public func green(_ text: String) -> String { wrap(text, "32") }
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    public func cyan(_ text: String) -> String { wrap(text, "36") }

    private func wrap(_ text: String, _ code: String) -> String {
        isEnabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
