import Reports

/// The text of `help` and `help COMMAND`, generated from the command table.
enum HelpText {
    static func overview(_ table: CommandTable, style: TextStyle) -> [String] {
        var lines = [style.bold("AlignScope commands") + " — 'help COMMAND' explains one, with examples.", ""]
        let width = table.names.map(\.count).max() ?? 0
        for group in Command.Group.allCases {
            let commands = table.commands.filter { $0.group == group }
            guard !commands.isEmpty else { continue }
            lines.append(style.bold(group.rawValue))
            for command in commands {
                lines.append("  " + style.cyan(command.name.padded(to: width)) + "  " + command.summary)
            }
            lines.append("")
        }
        lines.append("Grammar: verb subject [on dataset[slice]] [key=value …] [as NAME]. Results are $1, $2, … or")
        lines.append("their names; 'results' lists them. Tab completes; Ctrl-C stops a command; Ctrl-D leaves.")
        return lines
    }

    static func command(_ command: Command, style: TextStyle) -> [String] {
        var lines = [style.bold(command.name) + " — " + command.summary, "", "usage: " + command.usage]
        if !command.details.isEmpty {
            lines.append("")
            lines += command.details.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        let syntax = command.syntax
        let operands = syntax.operands.filter { describe($0.kind) != nil }
        let clauses = syntax.clauses
        if !operands.isEmpty || !clauses.isEmpty {
            lines.append("")
            lines.append(style.bold("arguments"))
            for operand in operands {
                lines.append("  \(operand.name.padded(to: 16))  \(describe(operand.kind) ?? "")")
            }
            for clause in clauses {
                let label = "\(clause.keyword) \(clause.operand.name)"
                lines.append("  \(label.padded(to: 16))  \(describe(clause.operand.kind) ?? "")")
            }
        }
        if !syntax.options.isEmpty {
            lines.append("")
            lines.append(style.bold("options"))
            for option in syntax.options {
                let choices: String
                if case .choice(let values) = option.kind { choices = " (\(values.joined(separator: "|")))" } else { choices = "" }
                lines.append("  \((option.key + "=…").padded(to: 16))  \(option.summary)\(choices)")
            }
        }
        if !syntax.flags.isEmpty {
            lines.append("")
            lines.append(style.bold("switches"))
            for flag in syntax.flags { lines.append("  \(flag.name.padded(to: 16))  \(flag.summary)") }
        }
        if syntax.producesResult {
            lines.append("")
            lines.append("The result gets the next handle ($N); 'as NAME' names it too.")
        }
        if !command.examples.isEmpty {
            lines.append("")
            lines.append(style.bold("examples"))
            for example in command.examples { lines.append("  " + style.cyan(example)) }
        }
        return lines
    }

    private static func describe(_ kind: ValueKind) -> String? {
        switch kind {
        case .model: "a loaded model (see 'load')"
        case .source: "a loaded model or the name given to imported outputs"
        case .dataset: "a dataset, optionally sliced: goqa[0:100], goqa[country=Nigeria], md3[en_ng]"
        case .result: "a result: $N, $last or a name given with 'as'"
        case .file: "a file path"
        case .text: "text; quote it when it has spaces"
        case .word: "a name"
        case .integer: "a whole number"
        case .number: "a number"
        case .command: "a command name"
        case .country: "a country name"
        case .choice(let choices): "one of " + choices.joined(separator: ", ")
        }
    }
}
