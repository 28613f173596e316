/// One entry of the command table: its grammar, its help and what it does.
///
/// The grammar (``Syntax``) is the single source of truth for parsing, usage lines, `help` and tab completion.
public struct Command: Sendable {
    public enum Group: String, CaseIterable, Sendable {
        case data = "Data"
        case analyses = "Analyses"
        case models = "Models"
        case output = "Output"
        case session = "Session"
    }

    public var name: String
    public var group: Group
    /// One line for the `help` overview.
    public var summary: String
    /// Paragraphs for `help NAME`.
    public var details: String
    public var examples: [String]
    public var syntax: Syntax
    /// Whether the session log records this command (`help`, `history`, `save` … are not replayed).
    public var isRecorded: Bool
    public var run: @Sendable (Invocation, Interpreter) throws -> Void

    public init(_ name: String, group: Group, summary: String, details: String = "", examples: [String] = [],
                syntax: Syntax = Syntax(), recorded: Bool = true,
                run: @escaping @Sendable (Invocation, Interpreter) throws -> Void) {
        self.name = name
        self.group = group
        self.summary = summary
        self.details = details
        self.examples = examples
        self.syntax = syntax
        self.isRecorded = recorded
        self.run = run
    }

    public var usage: String { syntax.usage(verb: name) }
}

/// The shell's commands, looked up by name. Other modules' commands join by appending entries.
public struct CommandTable: Sendable {
    public private(set) var commands: [Command]

    public init(_ commands: [Command]) { self.commands = commands }

    public mutating func add(_ command: Command) {
        commands.removeAll { $0.name == command.name }
        commands.append(command)
    }

    public func command(named name: String) -> Command? { commands.first { $0.name == name } }

    public var names: [String] { commands.map(\.name) }
}
