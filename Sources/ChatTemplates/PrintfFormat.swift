#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TextFormats

/// Python's printf-style `str % args` (also jinja2's `format` filter): `%s %r %d %i %x %o %e %f %g %c %%`,
/// `%(name)s` with a mapping, flags `-+ 0#`, width, precision and `*`.
enum PrintfFormat {
    static func format(_ format: String, _ arguments: Value, markup: Bool, evaluator: Evaluator) throws -> String {
        let scalars = Array(format.unicodeScalars)
        var positional: [Value]
        var mapping: ValueDictionary?
        switch arguments {
        case .tuple(let items): positional = items
        case .dict(let dictionary): positional = [arguments]; mapping = dictionary
        default: positional = [arguments]
        }
        var nextArgument = 0
        func take() throws -> Value {
            guard nextArgument < positional.count else { throw TemplateError.type("not enough arguments for format string") }
            defer { nextArgument += 1 }
            return positional[nextArgument]
        }
        var out = ""
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "%" else {
                out.unicodeScalars.append(scalar)
                index += 1
                continue
            }
            index += 1
            guard index < scalars.count else { throw TemplateError.value("incomplete format") }
            var argument: Value?
            if scalars[index] == "(" {
                guard let mapping else { throw TemplateError.type("format requires a mapping") }
                var depth = 1
                var keyEnd = index + 1
                while keyEnd < scalars.count, depth > 0 {
                    if scalars[keyEnd] == "(" { depth += 1 } else if scalars[keyEnd] == ")" { depth -= 1 }
                    if depth > 0 { keyEnd += 1 }
                }
                guard keyEnd < scalars.count else { throw TemplateError.value("incomplete format key") }
                let key = PythonText.string(scalars[(index + 1)..<keyEnd])
                guard let found = mapping[key] else { throw TemplateError(.value, "KeyError: \(PythonText.repr(key))") }
                argument = found
                index = keyEnd + 1
            }
            var flags = Set<Character>()
            while index < scalars.count, "-+ 0#".unicodeScalars.contains(scalars[index]) {
                flags.insert(Character(scalars[index]))
                index += 1
            }
            func number() throws -> Int? {
                if index < scalars.count, scalars[index] == "*" {
                    index += 1
                    guard let value = try take().integer else { throw TemplateError.type("* wants int") }
                    return value
                }
                var digits = ""
                while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                    digits.unicodeScalars.append(scalars[index])
                    index += 1
                }
                return digits.isEmpty ? nil : Int(digits)
            }
            var width = try number() ?? 0
            if width < 0 {
                flags.insert("-")
                width = -width
            }
            var precision: Int?
            if index < scalars.count, scalars[index] == "." {
                index += 1
                precision = try number() ?? 0
            }
            while index < scalars.count, "hlL".unicodeScalars.contains(scalars[index]) { index += 1 }
            guard index < scalars.count else { throw TemplateError.value("incomplete format") }
            let conversion = scalars[index]
            index += 1
            if conversion == "%" {
                out += "%"
                continue
            }
            let value = try argument ?? take()
            var text: String
            switch conversion {
            case "s", "r", "a":
                text = conversion == "s" ? try evaluator.str(value) : try evaluator.repr(value)
                if conversion == "a" { text = asciiEscaped(text) }
                if let precision { text = PythonText.string(text.unicodeScalars.prefix(precision)) }
                if markup, !value.isMarkup || conversion != "s" { text = HTML.escape(text) }
            case "d", "i", "u", "x", "X", "o":
                text = try formatInteger(value, conversion: conversion, flags: flags, precision: precision)
            case "e", "E", "f", "F", "g", "G":
                text = try formatFloat(value, conversion: conversion, flags: flags, precision: precision)
            case "c":
                if let code = value.integer, let character = Unicode.Scalar(UInt32(clamping: max(code, 0))) {
                    text = String(character)
                } else if let single = value.text, single.unicodeScalars.count == 1 {
                    text = single
                } else {
                    throw TemplateError.type("%c requires int or char")
                }
            default:
                throw TemplateError.value(
                    "unsupported format character '\(conversion)' (0x\(String(conversion.value, radix: 16))) at index \(index - 1)")
            }
            out += pad(text, width: width, flags: flags, numeric: !"srac".unicodeScalars.contains(conversion))
        }
        // Unused arguments are an error, except with a mapping, whose extra keys are fine.
        if mapping == nil, nextArgument < positional.count {
            throw TemplateError.type("not all arguments converted during string formatting")
        }
        try evaluator.checkLength(out)
        return out
    }

    private static func pad(_ text: String, width: Int, flags: Set<Character>, numeric: Bool) -> String {
        let length = PythonText.length(text)
        guard width > length else { return text }
        let fill = width - length
        if flags.contains("-") { return text + String(repeating: " ", count: fill) }
        if flags.contains("0"), numeric {
            // Zeros go after the sign and any 0x prefix.
            var prefixLength = 0
            let scalars = Array(text.unicodeScalars)
            if let first = scalars.first, first == "-" || first == "+" || first == " " { prefixLength = 1 }
            if scalars.count >= prefixLength + 2, scalars[prefixLength] == "0",
               "xXo".unicodeScalars.contains(scalars[prefixLength + 1]) { prefixLength += 2 }
            return PythonText.string(scalars[..<prefixLength]) + String(repeating: "0", count: fill)
                + PythonText.string(scalars[prefixLength...])
        }
        return String(repeating: " ", count: fill) + text
    }

    private static func formatInteger(_ value: Value, conversion: Unicode.Scalar, flags: Set<Character>, precision: Int?) throws -> String {
        let number: Int
        switch value {
        case .int, .bool: number = value.integer ?? 0
        case .float(let float) where "diu".unicodeScalars.contains(conversion):
            guard float.isFinite, let truncated = Int(exactly: float.rounded(.towardZero)) else {
                throw TemplateError(.overflow, "cannot convert float \(PythonFloat.repr(float)) to integer")
            }
            number = truncated
        default:
            let what = "diu".unicodeScalars.contains(conversion) ? "a real number" : "an integer"
            throw TemplateError.type("%\(conversion) format: \(what) is required, not \(value.typeName)")
        }
        let radix = conversion == "o" ? 8 : (conversion == "x" || conversion == "X") ? 16 : 10
        var digits = String(number.magnitude, radix: radix, uppercase: conversion == "X")
        if let precision, digits.count < precision { digits = String(repeating: "0", count: precision - digits.count) + digits }
        if flags.contains("#"), radix != 10 { digits = (conversion == "o" ? "0o" : conversion == "X" ? "0X" : "0x") + digits }
        let sign = number < 0 ? "-" : flags.contains("+") ? "+" : flags.contains(" ") ? " " : ""
        return sign + digits
    }

    private static func formatFloat(_ value: Value, conversion: Unicode.Scalar, flags: Set<Character>, precision: Int?) throws -> String {
        guard let number = value.number else { throw TemplateError.type("must be real number, not \(value.typeName)") }
        var spec = "%"
        for flag in "+ #" where flags.contains(flag) { spec.append(flag) }
        spec += ".\(min(precision ?? 6, 1000))"
        spec.unicodeScalars.append(conversion)
        return cFormat(spec, number)
    }

    /// C's printf for one double (Python formats floats with the same correctly rounded conversions).
    static func cFormat(_ spec: String, _ number: Double) -> String {
        var capacity = 64
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let written = withVaList([number]) { arguments in
                buffer.withUnsafeMutableBufferPointer { pointer in
                    vsnprintf(pointer.baseAddress, pointer.count, spec, arguments)
                }
            }
            guard written >= 0 else { return "" }
            if Int(written) < capacity {
                return String(decoding: buffer[..<Int(written)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            capacity = Int(written) + 1
        }
    }

    /// Python's `ascii()`: repr with non-ASCII escaped.
    private static func asciiEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII { out.unicodeScalars.append(scalar) }
            else if scalar.value <= 0xFF { out += "\\x" + PythonText.hex(scalar.value, width: 2) }
            else if scalar.value <= 0xFFFF { out += "\\u" + PythonText.hex(scalar.value, width: 4) }
            else { out += "\\U" + PythonText.hex(scalar.value, width: 8) }
        }
        return out
    }
}
