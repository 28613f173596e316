/// A conversation to render, as the shell's `template NAME messages.json` reads it: either a JSON list of
/// messages (`[{"role": "user", "content": "Hi"}]`), or an object with `"messages"` and any other variables the
/// template takes (`"tools"`, `"documents"`, `"date_string"`, …).
public struct ConversationFile: Sendable {
    public var messages: [Value]
    /// Variables other than `messages`.
    public var variables: [String: Value]

    public init(json: String) throws(TemplateError) {
        switch try Value(json: json) {
        case .list(let messages):
            self.messages = messages
            variables = [:]
        case .dict(let object):
            guard case .list(let messages)? = object["messages"] else {
                throw TemplateError(.value, "a conversation object needs a \"messages\" list")
            }
            self.messages = messages
            var variables: [String: Value] = [:]
            for (key, value) in object.pairs {
                guard let name = key.text, name != "messages" else { continue }
                variables[name] = value
            }
            self.variables = variables
        default:
            throw TemplateError(.value, "a conversation must be a list of messages or an object with \"messages\"")
        }
        for (index, message) in messages.enumerated() {
            guard case .dict(let fields) = message, fields["role"]?.text != nil else {
                throw TemplateError(.value, "message \(index + 1) needs a \"role\" string")
            }
        }
    }
}
