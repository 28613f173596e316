/// A prompt with `{name}` placeholders, filled in one pass: text substituted for one placeholder is never
/// scanned again (as Python's `str.format` behaves), so questions containing braces are safe.
public struct PromptTemplate: Sendable, Equatable, CustomStringConvertible {
    public var text: String

    public init(_ text: String) { self.text = text }

    /// The placeholders the template uses, in order of first appearance.
    public var placeholders: [String] {
        var names: [String] = []
        forEachPiece { piece in
            if case .placeholder(let name) = piece, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Fills every placeholder; a placeholder without a value is an error naming it.
    public func render(_ values: [String: String]) throws -> String {
        var out = ""
        var missing: String?
        forEachPiece { piece in
            switch piece {
            case .literal(let text): out += text
            case .placeholder(let name):
                if let value = values[name] { out += value } else { missing = missing ?? name }
            }
        }
        if let missing { throw TemplateError(message: "no value for {\(missing)} in the prompt template") }
        return out
    }

    public var description: String { text }

    private enum Piece {
        case literal(String)
        case placeholder(String)
    }

    /// Splits the text at `{identifier}`; any other brace is literal text.
    private func forEachPiece(_ body: (Piece) -> Void) {
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "{", let close = text[index...].firstIndex(of: "}") {
                let name = text[text.index(after: index)..<close]
                if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                    if !literal.isEmpty { body(.literal(literal)); literal = "" }
                    body(.placeholder(String(name)))
                    index = text.index(after: close)
                    continue
                }
            }
            literal.append(text[index])
            index = text.index(after: index)
        }
        if !literal.isEmpty { body(.literal(literal)) }
    }
}

public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
