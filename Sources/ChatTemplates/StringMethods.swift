import TextFormats

/// Python's str methods, counting code points as Python does.
enum StringMethods {
    static func call(_ name: String, on text: String, markup: Bool, _ arguments: EvaluatedArguments, evaluator e: Evaluator) throws -> Value {
        func result(_ string: String) throws -> Value {
            try e.checkLength(string)
            return markup ? .markup(string) : .string(string)
        }
        func optionalText(_ value: Value?) throws -> String? {
            guard let value else { return nil }
            switch value {
            case .none: return nil
            case .string(let string), .markup(let string): return string
            default: throw TemplateError.type("\(name) arg must be None or str")
            }
        }
        func requiredText(_ bound: BoundArguments, _ parameter: String) throws -> String {
            guard let value = bound.given(parameter) else {
                throw TemplateError.type("\(name)() missing required argument: '\(parameter)'")
            }
            guard let string = value.text else {
                throw TemplateError.type("must be str, not \(value.typeName)")
            }
            return string
        }
        switch name {
        case "strip", "lstrip", "rstrip":
            let chars = try optionalText(try Signature(name, "chars").bind(arguments).given("chars"))
            return try result(PythonText.strip(text, chars: chars, leading: name != "rstrip", trailing: name != "lstrip"))
        case "upper": try Signature(name).bind(arguments); return try result(PythonText.upper(text))
        case "lower", "casefold": try Signature(name).bind(arguments); return try result(PythonText.lower(text))
        case "title": try Signature(name).bind(arguments); return try result(PythonText.title(text))
        case "capitalize": try Signature(name).bind(arguments); return try result(PythonText.capitalize(text))
        case "swapcase": try Signature(name).bind(arguments); return try result(PythonText.swapCase(text))
        case "startswith", "endswith":
            let bound = try Signature(name, "prefix", "start", "end").bind(arguments)
            guard let affix = bound.given("prefix") else { throw TemplateError.type("\(name)() takes at least 1 argument (0 given)") }
            let scalars = Array(text.unicodeScalars)
            let (start, end) = try range(bound, count: scalars.count)
            let window = start < end ? PythonText.string(scalars[start..<end]) : ""
            let candidates: [Value] = affix.elements ?? [affix]
            for candidate in candidates {
                guard let string = candidate.text else {
                    throw TemplateError.type("\(name) first arg must be str or a tuple of str, not \(candidate.typeName)")
                }
                if start > end { continue }
                let matches = name == "startswith" ? window.utf8.starts(with: string.utf8)
                    : window.utf8.reversed().starts(with: string.utf8.reversed())
                if matches { return .bool(true) }
            }
            return .bool(false)
        case "split", "rsplit":
            let bound = try Signature(name, "sep", "maxsplit").bind(arguments)
            let separator = try optionalText(bound.given("sep"))
            if separator == "" { throw TemplateError.value("empty separator") }
            let parts = split(text, separator: separator, maxSplit: try bound.int("maxsplit", default: -1), fromRight: name == "rsplit")
            return .list(parts.map { markup ? .markup($0) : .string($0) })
        case "splitlines":
            let bound = try Signature(name, "keepends").bind(arguments)
            return .list(splitLines(text, keepEnds: try bound.bool("keepends", default: false)).map { markup ? .markup($0) : .string($0) })
        case "replace":
            let bound = try Signature(name, "old", "new", "count").bind(arguments)
            let old = try requiredText(bound, "old"), new = try requiredText(bound, "new")
            return try result(replace(text, old, markup ? HTML.escape(new) : new, count: try bound.int("count", default: -1)))
        case "find", "rfind", "index", "rindex", "count":
            let bound = try Signature(name, "sub", "start", "end").bind(arguments)
            let needle = try requiredText(bound, "sub")
            let scalars = Array(text.unicodeScalars)
            let (start, end) = try range(bound, count: scalars.count)
            let haystack = start < end ? Array(scalars[start..<end]) : []
            let needleScalars = Array(needle.unicodeScalars)
            if name == "count" {
                if start > end { return .int(0) }
                return .int(occurrences(of: needleScalars, in: haystack))
            }
            let found = start > end ? nil : position(of: needleScalars, in: haystack, last: name.hasPrefix("r"))
            if let found { return .int(found + start) }
            if name.hasSuffix("index") { throw TemplateError.value("substring not found") }
            return .int(-1)
        case "join":
            guard arguments.positional.count == 1, arguments.keywords.isEmpty else {
                throw TemplateError.type("join() takes exactly one argument (\(arguments.positional.count) given)")
            }
            let items = try e.iterate(arguments.positional[0])
            var parts: [String] = []
            for (index, item) in items.enumerated() {
                guard let string = item.text else {
                    throw TemplateError.type("sequence item \(index): expected str instance, \(item.typeName) found")
                }
                parts.append(markup && !item.isMarkup ? HTML.escape(string) : string)
            }
            return try result(parts.joined(separator: text))
        case "isdigit", "isalpha", "isspace", "isalnum", "isnumeric", "isdecimal":
            try Signature(name).bind(arguments)
            let scalars = text.unicodeScalars
            guard !scalars.isEmpty else { return .bool(false) }
            let predicate: (Unicode.Scalar) -> Bool = switch name {
            case "isdigit": PythonText.isDigit
            case "isalpha": PythonText.isAlpha
            case "isspace": PythonText.isSpace
            case "isnumeric": PythonText.isNumeric
            case "isdecimal": PythonText.isDecimal
            default: PythonText.isAlphanumeric
            }
            return .bool(scalars.allSatisfy(predicate))
        case "islower": try Signature(name).bind(arguments); return .bool(PythonText.isLower(text))
        case "isupper": try Signature(name).bind(arguments); return .bool(PythonText.isUpper(text))
        case "istitle": try Signature(name).bind(arguments); return .bool(!text.isEmpty && PythonText.title(text) == text && text != PythonText.lower(text))
        case "zfill":
            let bound = try Signature(name, "width").bind(arguments)
            let width = try bound.int("width", default: 0)
            let scalars = Array(text.unicodeScalars)
            guard width > scalars.count else { return try result(text) }
            let hasSign = scalars.first == "+" || scalars.first == "-"
            let zeros = String(repeating: "0", count: width - scalars.count)
            return try result(hasSign ? String(scalars[0]) + zeros + PythonText.string(scalars.dropFirst()) : zeros + text)
        case "center", "ljust", "rjust":
            let bound = try Signature(name, "width", "fillchar").bind(arguments)
            let width = try bound.int("width", default: 0)
            let fill = try bound.string("fillchar", default: " ", evaluator: e)
            guard fill.unicodeScalars.count == 1 else {
                throw TemplateError.type("The fill character must be exactly one character long")
            }
            try e.checkCount(width)
            let length = PythonText.length(text)
            guard width > length else { return try result(text) }
            switch name {
            case "ljust": return try result(text + String(repeating: fill, count: width - length))
            case "rjust": return try result(String(repeating: fill, count: width - length) + text)
            default: return try result(center(text, width: width, fill: fill))
            }
        case "removeprefix", "removesuffix":
            let bound = try Signature(name, "affix").bind(arguments)
            let affix = try requiredText(bound, "affix")
            if name == "removeprefix", text.utf8.starts(with: affix.utf8) {
                return try result(PythonText.string(text.unicodeScalars.dropFirst(affix.unicodeScalars.count)))
            }
            if name == "removesuffix", !affix.isEmpty, text.utf8.reversed().starts(with: affix.utf8.reversed()) {
                return try result(PythonText.string(text.unicodeScalars.dropLast(affix.unicodeScalars.count)))
            }
            return try result(text)
        case "partition", "rpartition":
            let bound = try Signature(name, "sep").bind(arguments)
            let separator = try requiredText(bound, "sep")
            if separator.isEmpty { throw TemplateError.value("empty separator") }
            let scalars = Array(text.unicodeScalars), needle = Array(separator.unicodeScalars)
            let wrap: (String) -> Value = { markup ? .markup($0) : .string($0) }
            guard let found = position(of: needle, in: scalars, last: name == "rpartition") else {
                return name == "partition" ? .tuple([wrap(text), wrap(""), wrap("")]) : .tuple([wrap(""), wrap(""), wrap(text)])
            }
            return .tuple([wrap(PythonText.string(scalars[..<found])), wrap(separator),
                           wrap(PythonText.string(scalars[(found + needle.count)...]))])
        case "format":
            return try result(try FormatString.format(text, arguments, evaluator: e))
        default:
            throw TemplateError.type("'str' object has no method '\(name)'")
        }
    }

    /// Python's slice-style `start`/`end` arguments of find/count/startswith, clamped to the string. A start
    /// past the end comes back as `count + 1`, which the callers treat as Python does (nothing is found there).
    private static func range(_ bound: BoundArguments, count: Int) throws -> (Int, Int) {
        func clamp(_ value: Int) -> Int { value < 0 ? max(value + count, 0) : value }
        let start = min(clamp(try bound.int("start", default: 0)), count + 1)
        let end = min(clamp(try bound.int("end", default: count)), count)
        return (start, end)
    }

    static func position(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], last: Bool) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        let candidates = Array(0...(haystack.count - needle.count))
        for start in last ? candidates.reversed() : candidates where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }

    private static func occurrences(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> Int {
        if needle.isEmpty { return haystack.count + 1 }
        var count = 0, start = 0
        while start + needle.count <= haystack.count {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) {
                count += 1
                start += needle.count
            } else {
                start += 1
            }
        }
        return count
    }

    /// `str.replace(old, new, count)`; an empty `old` inserts `new` between every character, as in Python.
    static func replace(_ text: String, _ old: String, _ new: String, count: Int) -> String {
        let scalars = Array(text.unicodeScalars), needle = Array(old.unicodeScalars)
        var out = String.UnicodeScalarView()
        var replaced = 0
        func canReplace() -> Bool { count < 0 || replaced < count }
        if needle.isEmpty {
            for scalar in scalars {
                if canReplace() { out.append(contentsOf: new.unicodeScalars); replaced += 1 }
                out.append(scalar)
            }
            if canReplace() { out.append(contentsOf: new.unicodeScalars) }
            return String(out)
        }
        var index = 0
        while index < scalars.count {
            if canReplace(), index + needle.count <= scalars.count, scalars[index..<(index + needle.count)].elementsEqual(needle) {
                out.append(contentsOf: new.unicodeScalars)
                index += needle.count
                replaced += 1
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return String(out)
    }

    /// `str.center(width, fill)`: the extra space goes left when both the margin and the width are odd.
    static func center(_ text: String, width: Int, fill: String) -> String {
        let length = PythonText.length(text)
        guard width > length else { return text }
        let margin = width - length
        let left = margin / 2 + (margin & width & 1)
        return String(repeating: fill, count: left) + text + String(repeating: fill, count: margin - left)
    }

    /// `str.split(sep, maxsplit)` / `rsplit`: without a separator, runs of whitespace split and ends are trimmed.
    static func split(_ text: String, separator: String?, maxSplit: Int, fromRight: Bool) -> [String] {
        var scalars = Array(text.unicodeScalars)
        if fromRight { scalars.reverse() }
        let needle = separator.map { fromRight ? Array($0.unicodeScalars.reversed()) : Array($0.unicodeScalars) }
        var parts: [[Unicode.Scalar]] = []
        var splits = 0
        func limitReached() -> Bool { maxSplit >= 0 && splits >= maxSplit }
        if let needle {
            var current: [Unicode.Scalar] = []
            var index = 0
            while index < scalars.count {
                if !limitReached(), index + needle.count <= scalars.count, scalars[index..<(index + needle.count)].elementsEqual(needle) {
                    parts.append(current)
                    current = []
                    index += needle.count
                    splits += 1
                } else {
                    current.append(scalars[index])
                    index += 1
                }
            }
            parts.append(current)
        } else {
            var index = 0
            while index < scalars.count {
                while index < scalars.count, PythonText.isSpace(scalars[index]) { index += 1 }
                guard index < scalars.count else { break }
                if limitReached() {
                    // The remainder keeps its trailing whitespace, as in Python.
                    parts.append(Array(scalars[index...]))
                    break
                }
                var current: [Unicode.Scalar] = []
                while index < scalars.count, !PythonText.isSpace(scalars[index]) {
                    current.append(scalars[index])
                    index += 1
                }
                parts.append(current)
                splits += 1
            }
        }
        var strings = parts.map { PythonText.string(fromRight ? $0.reversed() : $0) }
        if fromRight { strings.reverse() }
        return strings
    }

    /// `str.splitlines(keepends)`: every line boundary Python recognises.
    static func splitLines(_ text: String, keepEnds: Bool) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var lines: [String] = []
        var start = 0, index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            var breakLength = 0
            switch scalar.value {
            case 0x0D: breakLength = index + 1 < scalars.count && scalars[index + 1] == "\n" ? 2 : 1
            case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: breakLength = 1
            default: break
            }
            if breakLength > 0 {
                let end = keepEnds ? index + breakLength : index
                lines.append(PythonText.string(scalars[start..<end]))
                index += breakLength
                start = index
            } else {
                index += 1
            }
        }
        if start < scalars.count { lines.append(PythonText.string(scalars[start...])) }
        return lines
    }
}
