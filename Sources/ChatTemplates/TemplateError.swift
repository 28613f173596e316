/// A position in a template's source: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// Why a template could not be parsed or rendered, and where.
///
/// `description` reads `NAME:LINE:COLUMN: message`, the way compilers report errors. ``pythonDescription`` reads
/// `UndefinedError: 'x' is undefined`, the way jinja2 (and so transformers) reports the same failure: the
/// conformance tests compare it with jinja2's own words.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure, named after the Python exception jinja2 raises for it.
    public enum Kind: Sendable, Equatable {
        /// The source is not a valid template (jinja2's `TemplateSyntaxError`).
        case syntax
        /// A filter or test name jinja2 does not know (jinja2's `TemplateAssertionError`, raised when compiling).
        case unknownName
        /// An undefined value was used in a way that needs a value (jinja2's `UndefinedError`).
        case undefined
        /// The template called `raise_exception(message)` (transformers raises jinja2's `TemplateError`).
        case raised
        /// A runtime rule of the template language was broken (jinja2's `TemplateRuntimeError`).
        case runtime
        /// The sandbox refused an operation, such as calling `list.append` (jinja2's `SecurityError`).
        case security
        /// Python's `TypeError`: an operation applied to the wrong kind of value.
        case type
        /// Python's `ValueError`.
        case value
        /// Python's `ZeroDivisionError`.
        case zeroDivision
        /// Python's `OverflowError` (also the sandbox's limit on `range`).
        case overflow
        /// A filter was given arguments it cannot use (jinja2's `FilterArgumentError`).
        case filterArgument
        /// A guard against runaway templates tripped: recursion, loop steps, output size, value size.
        case limit
        /// A jinja2 feature this interpreter deliberately leaves out (`include`, `\N{…}` escapes, …).
        case unsupported

        /// The Python exception class jinja2 would raise.
        public var pythonName: String {
            switch self {
            case .syntax: "TemplateSyntaxError"
            case .unknownName: "TemplateAssertionError"
            case .undefined: "UndefinedError"
            case .raised: "TemplateError"
            case .runtime: "TemplateRuntimeError"
            case .security: "SecurityError"
            case .type: "TypeError"
            case .value: "ValueError"
            case .zeroDivision: "ZeroDivisionError"
            case .overflow: "OverflowError"
            case .filterArgument: "FilterArgumentError"
            case .limit: "LimitExceeded"
            case .unsupported: "Unsupported"
            }
        }
    }

    public var kind: Kind
    public var message: String
    /// Where in the template the failure happened, when known.
    public var location: SourceLocation?
    /// The name the template was loaded under (a file name, `tokenizer_config.json`, a GGUF key, …).
    public var templateName: String?
    /// Byte offset into the normalised source, resolved into ``location`` before the error leaves the module.
    var offset: Int?

    public init(_ kind: Kind, _ message: String, location: SourceLocation? = nil, templateName: String? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.templateName = templateName
    }

    init(_ kind: Kind, _ message: String, offset: Int?) {
        self.init(kind, message)
        self.offset = offset
    }

    public var description: String {
        var place = templateName ?? "template"
        if let location { place += ":\(location.line):\(location.column)" }
        return "\(place): \(message)"
    }

    /// `ErrorClass: message`, as `f"{type(e).__name__}: {e}"` prints jinja2's exception.
    public var pythonDescription: String { "\(kind.pythonName): \(message)" }

    public static func == (a: TemplateError, b: TemplateError) -> Bool {
        a.kind == b.kind && a.message == b.message && a.location == b.location && a.templateName == b.templateName
    }
}

extension TemplateError {
    static func syntax(_ message: String, at offset: Int) -> TemplateError { TemplateError(.syntax, message, offset: offset) }
    static func type(_ message: String) -> TemplateError { TemplateError(.type, message) }
    static func value(_ message: String) -> TemplateError { TemplateError(.value, message) }
    static func limit(_ message: String) -> TemplateError { TemplateError(.limit, message) }
    static func undefined(_ message: String) -> TemplateError { TemplateError(.undefined, message) }
}

/// Maps byte offsets of the (newline-normalised) source to lines and columns.
struct LineTable: Sendable {
    private let bytes: [UInt8]
    private let lineStarts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(index + 1) }
        lineStarts = starts
    }

    func location(of offset: Int) -> SourceLocation {
        let offset = min(max(offset, 0), bytes.count)
        // The last line start at or before `offset`.
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        // Columns count scalars, not bytes: skip UTF-8 continuation bytes.
        var column = 1
        var index = lineStarts[low]
        while index < offset {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return SourceLocation(line: low + 1, column: column)
    }
}
