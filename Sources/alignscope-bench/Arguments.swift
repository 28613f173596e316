import Foundation

/// The command line, read left to right: options with a value (`--threads 2`), flags, and operands.
/// A malformed option ends the program with a message naming it and the usage line, as a shell tool should.
struct Arguments {
    private var rest: ArraySlice<String>
    let usage: String

    init(_ arguments: [String], usage: String) {
        rest = arguments[...]
        self.usage = usage
    }

    /// The next argument, or nil at the end.
    mutating func next() -> String? { rest.popFirst() }

    /// The value after `option`.
    mutating func text(after option: String) -> String {
        guard let value = rest.popFirst() else { fail("\(option) needs a value") }
        return value
    }

    /// The whole number after `option`, at least `minimum`.
    mutating func number(after option: String, minimum: Int = 1) -> Int {
        let value = text(after: option)
        guard let number = Int(value), number >= minimum else { fail("\(option) \(value): expected a whole number ≥ \(minimum)") }
        return number
    }

    /// A comma-separated list of whole numbers after `option` (`--concurrency 1,4,8`).
    mutating func numbers(after option: String) -> [Int] {
        let value = text(after: option)
        let numbers = value.split(separator: ",").compactMap { Int($0) }
        guard !numbers.isEmpty, numbers.count == value.split(separator: ",").count, numbers.allSatisfy({ $0 >= 1 }) else {
            fail("\(option) \(value): expected whole numbers ≥ 1 separated by commas")
        }
        return numbers
    }

    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("alignscope-bench: \(message)\nusage: \(usage)\n".utf8))
        exit(2)
    }
}
