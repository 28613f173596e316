import TextFormats

/// Python's `str.format` (which jinja2's sandbox allows): `{}`, `{0}`, `{name}`, `{0[key]}`, `{x.attr}`,
/// conversions `!r !s !a` and the format mini-language `[[fill]align][sign][#][0][width][,|_][.precision][type]`.
enum FormatString {
    static func format(_ template: String, _ arguments: EvaluatedArguments, evaluator e: Evaluator) throws -> String {
        let scalars = Array(template.unicodeScalars)
        var out = ""
        var index = 0
        var automatic: Int? = nil
        var usedManual = false
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "}" {
                guard index + 1 < scalars.count, scalars[index + 1] == "}" else {
                    throw TemplateError.value("Single '}' encountered in format string")
                }
                out += "}"
                index += 2
                continue
            }
            guard scalar == "{" else {
                out.unicodeScalars.append(scalar)
                index += 1
                continue
            }
            if index + 1 < scalars.count, scalars[index + 1] == "{" {
                out += "{"
                index += 2
                continue
            }
            // Find the matching close brace (format specs may nest one level of fields).
            var depth = 1, end = index + 1
            while end < scalars.count {
                if scalars[end] == "{" { depth += 1 } else if scalars[end] == "}" { depth -= 1; if depth == 0 { break } }
                end += 1
            }
            guard end < scalars.count else { throw TemplateError.value("expected '}' before end of string") }
            let field = Array(scalars[(index + 1)..<end])
            index = end + 1

            var nameEnd = field.firstIndex { $0 == "!" || $0 == ":" } ?? field.count
            // Brackets may contain ! or : inside keys.
            if let bracket = field.firstIndex(of: "["), bracket < nameEnd,
               let close = field[bracket...].firstIndex(of: "]") {
                nameEnd = field[close...].firstIndex { $0 == "!" || $0 == ":" } ?? field.count
            }
            let name = PythonText.string(field[..<nameEnd])
            var rest = field[nameEnd...]
            var conversion: Unicode.Scalar?
            if rest.first == "!" {
                guard rest.count >= 2 else { throw TemplateError.value("end of string while looking for conversion specifier") }
                conversion = rest[rest.startIndex + 1]
                rest = rest.dropFirst(2)
            }
            var spec = ""
            if rest.first == ":" {
                spec = try format(PythonText.string(rest.dropFirst()), arguments, evaluator: e)
            } else if !rest.isEmpty {
                throw TemplateError.value("expected ':' after conversion specifier")
            }

            var value = try resolve(name, arguments, automatic: &automatic, usedManual: &usedManual, evaluator: e)
            switch conversion {
            case nil: break
            case "s": value = .string(try e.str(value))
            case "r", "a": value = .string(try e.repr(value))
            case let other?: throw TemplateError.value("Unknown conversion specifier \(other)")
            }
            out += try formatValue(value, spec: spec, evaluator: e)
            try e.checkLength(out)
        }
        return out
    }

    private static func resolve(_ field: String, _ arguments: EvaluatedArguments, automatic: inout Int?, usedManual: inout Bool,
                                evaluator e: Evaluator) throws -> Value {
        let scalars = Array(field.unicodeScalars)
        var cursor = scalars.firstIndex { $0 == "." || $0 == "[" } ?? scalars.count
        let head = PythonText.string(scalars[..<cursor])
        var value: Value
        if head.isEmpty {
            if usedManual { throw TemplateError.value("cannot switch from manual field specification to automatic field numbering") }
            let position = automatic ?? 0
            automatic = position + 1
            guard position < arguments.positional.count else {
                throw TemplateError(.value, "IndexError: Replacement index \(position) out of range for positional args tuple")
            }
            value = arguments.positional[position]
        } else if let position = Int(head) {
            if automatic != nil { throw TemplateError.value("cannot switch from automatic field numbering to manual field specification") }
            usedManual = true
            guard position < arguments.positional.count else {
                throw TemplateError(.value, "IndexError: Replacement index \(position) out of range for positional args tuple")
            }
            value = arguments.positional[position]
        } else {
            guard let found = arguments.keyword(head) else { throw TemplateError(.value, "KeyError: \(PythonText.repr(head))") }
            value = found
        }
        while cursor < scalars.count {
            if scalars[cursor] == "." {
                let start = cursor + 1
                cursor = scalars[start...].firstIndex { $0 == "." || $0 == "[" } ?? scalars.count
                value = try e.attribute(PythonText.string(scalars[start..<cursor]), of: value)
            } else {
                let start = cursor + 1
                guard let close = scalars[start...].firstIndex(of: "]") else { throw TemplateError.value("Missing ']' in format string") }
                let key = PythonText.string(scalars[start..<close])
                value = try e.item(Int(key).map(Value.int) ?? .string(key), of: value)
                cursor = close + 1
            }
        }
        return value
    }

    /// Python's `format(value, spec)` for str, int and float.
    static func formatValue(_ value: Value, spec: String, evaluator e: Evaluator) throws -> String {
        if spec.isEmpty { return try e.str(value) }
        var chars = Array(spec.unicodeScalars)
        var fill: Unicode.Scalar = " ", align: Unicode.Scalar?
        if chars.count >= 2, "<>=^".unicodeScalars.contains(chars[1]) {
            fill = chars[0]; align = chars[1]; chars.removeFirst(2)
        } else if let first = chars.first, "<>=^".unicodeScalars.contains(first) {
            align = first; chars.removeFirst()
        }
        var sign: Unicode.Scalar = "-"
        if let first = chars.first, "+- ".unicodeScalars.contains(first) { sign = first; chars.removeFirst() }
        var alternate = false
        if chars.first == "#" { alternate = true; chars.removeFirst() }
        if chars.first == "0" {
            if align == nil { fill = "0"; align = "=" }
            chars.removeFirst()
        }
        var widthText = ""
        while let first = chars.first, ("0"..."9").contains(first) { widthText.unicodeScalars.append(first); chars.removeFirst() }
        var grouping: Unicode.Scalar?
        if let first = chars.first, first == "," || first == "_" { grouping = first; chars.removeFirst() }
        var precision: Int?
        if chars.first == "." {
            chars.removeFirst()
            var digits = ""
            while let first = chars.first, ("0"..."9").contains(first) { digits.unicodeScalars.append(first); chars.removeFirst() }
            guard let parsed = Int(digits) else { throw TemplateError.value("Format specifier missing precision") }
            precision = parsed
        }
        let type = chars.first
        guard chars.count <= 1 else { throw TemplateError.value("Invalid format specifier '\(spec)' for object of type '\(value.typeName)'") }
        let width = Int(widthText) ?? 0

        var body: String
        var signText = ""
        switch value {
        case .string(let text), .markup(let text):
            guard type == nil || type == "s" else {
                throw TemplateError.value("Unknown format code '\(type.map(String.init) ?? "")' for object of type 'str'")
            }
            body = precision.map { PythonText.string(text.unicodeScalars.prefix($0)) } ?? text
            if align == nil { align = "<" }
        case .int, .bool:
            let number = value.integer ?? 0
            switch type {
            case nil, "d", "n", "b", "o", "x", "X", "c":
                if type == "c" {
                    body = Unicode.Scalar(UInt32(clamping: max(number, 0))).map(String.init) ?? ""
                } else {
                    let radix = type == "b" ? 2 : type == "o" ? 8 : (type == "x" || type == "X") ? 16 : 10
                    body = String(number.magnitude, radix: radix, uppercase: type == "X")
                    if let grouping { body = group(body, every: radix == 10 ? 3 : 4, separator: grouping) }
                    if alternate, radix != 10 { body = (radix == 2 ? "0b" : radix == 8 ? "0o" : type == "X" ? "0X" : "0x") + body }
                    signText = number < 0 ? "-" : sign == "+" ? "+" : sign == " " ? " " : ""
                }
            default:
                return try formatValue(.float(Double(number)), spec: spec, evaluator: e)
            }
            if align == nil { align = ">" }
        case .float(let number):
            let magnitude = abs(number)
            let digits = precision ?? 6
            switch type {
            case nil:
                body = precision == nil ? PythonFloat.repr(magnitude) : PrintfFormat.cFormat("%.\(max(digits, 1))g", magnitude)
            case "f", "F", "e", "E", "g", "G":
                body = PrintfFormat.cFormat("%\(alternate ? "#" : "").\(digits)\(type.map(String.init) ?? "g")", magnitude)
            case "%":
                body = PrintfFormat.cFormat("%.\(digits)f", magnitude * 100) + "%"
            default:
                throw TemplateError.value("Unknown format code '\(type.map(String.init) ?? "")' for object of type 'float'")
            }
            if let grouping {
                let integerEnd = body.firstIndex { !$0.isNumber } ?? body.endIndex
                body = group(String(body[..<integerEnd]), every: 3, separator: grouping) + body[integerEnd...]
            }
            signText = number.sign == .minus && !number.isNaN ? "-" : sign == "+" ? "+" : sign == " " ? " " : ""
            if align == nil { align = ">" }
        default:
            throw TemplateError.type("unsupported format string passed to \(value.typeName).__format__")
        }
        let length = PythonText.length(signText + body)
        guard width > length else { return signText + body }
        let padding = width - length
        let pad = { (count: Int) in String(repeating: String(fill), count: count) }
        switch align {
        case "<": return signText + body + pad(padding)
        case "^": return pad(padding / 2) + signText + body + pad(padding - padding / 2)
        case "=": return signText + pad(padding) + body
        default: return pad(padding) + signText + body
        }
    }

    private static func group(_ digits: String, every size: Int, separator: Unicode.Scalar) -> String {
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % size == 0 { out.unicodeScalars.append(separator) }
            out.append(character)
        }
        return String(out.reversed())
    }
}
