#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TextFormats

/// A calendar date and wall-clock time, as `datetime.now()` gives transformers' `strftime_now`.
public struct TemplateDateTime: Sendable, Equatable {
    public var year: Int, month: Int, day: Int
    public var hour: Int, minute: Int, second: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        (self.year, self.month, self.day) = (year, month, day)
        (self.hour, self.minute, self.second) = (hour, minute, second)
    }

    /// The local time now.
    public static func now() -> TemplateDateTime {
        var seconds = time(nil)
        var fields = tm()
        localtime_r(&seconds, &fields)
        return TemplateDateTime(year: Int(fields.tm_year) + 1900, month: Int(fields.tm_mon) + 1, day: Int(fields.tm_mday),
                                hour: Int(fields.tm_hour), minute: Int(fields.tm_min), second: Int(fields.tm_sec))
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = (month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    /// 0 = Sunday … 6 = Saturday.
    var weekday: Int { ((daysSinceEpoch % 7) + 11) % 7 }

    /// 0-based day of the year.
    var dayOfYear: Int { daysSinceEpoch - TemplateDateTime(year: year, month: 1, day: 1).daysSinceEpoch }
}

/// Where `strftime_now` gets the time: the system clock, or a fixed moment for reproducible renderings.
public enum TemplateClock: Sendable, Equatable {
    case system
    case fixed(TemplateDateTime)

    var now: TemplateDateTime {
        switch self {
        case .system: .now()
        case .fixed(let moment): moment
        }
    }
}

/// `datetime.strftime` in the C locale (what Python on Linux produces for a naive datetime: `%Z` and `%z`
/// are empty), including glibc's `-` (no padding) and `_` (space padding) flags.
enum Strftime {
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                         "October", "November", "December"]

    static func format(_ format: String, _ time: TemplateDateTime) -> String {
        let scalars = Array(format.unicodeScalars)
        var out = ""
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "%", index + 1 < scalars.count else {
                out.unicodeScalars.append(scalars[index])
                index += 1
                continue
            }
            var cursor = index + 1
            var padding: Unicode.Scalar?
            if "-_0".unicodeScalars.contains(scalars[cursor]), cursor + 1 < scalars.count {
                padding = scalars[cursor]
                cursor += 1
            }
            if let expanded = conversion(scalars[cursor], time, padding: padding) {
                out += expanded
            } else {
                out += PythonText.string(scalars[index...cursor])
            }
            index = cursor + 1
        }
        return out
    }

    private static func number(_ value: Int, width: Int, pad: Unicode.Scalar, flag: Unicode.Scalar?) -> String {
        let digits = String(value)
        if flag == "-" { return digits }
        let fill = flag == "_" ? " " : flag == "0" ? "0" : String(pad)
        return String(repeating: fill, count: max(0, width - digits.count)) + digits
    }

    private static func conversion(_ code: Unicode.Scalar, _ t: TemplateDateTime, padding flag: Unicode.Scalar?) -> String? {
        func n(_ value: Int, _ width: Int = 2, _ pad: Unicode.Scalar = "0") -> String { number(value, width: width, pad: pad, flag: flag) }
        let hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12
        switch code {
        case "a": return String(weekdays[t.weekday].prefix(3))
        case "A": return weekdays[t.weekday]
        case "b", "h": return String(months[t.month - 1].prefix(3))
        case "B": return months[t.month - 1]
        case "c": return format("%a %b %e %H:%M:%S %Y", t)
        case "C": return n(t.year / 100)
        case "d": return n(t.day)
        case "D": return format("%m/%d/%y", t)
        case "e": return n(t.day, 2, " ")
        case "F": return "\(n(t.year, 4))-\(format("%m-%d", t))"
        case "G": return n(isoWeek(t).year, 4)
        case "g": return n(isoWeek(t).year % 100)
        case "H": return n(t.hour)
        case "I": return n(hour12)
        case "j": return n(t.dayOfYear + 1, 3)
        case "k": return n(t.hour, 2, " ")
        case "l": return n(hour12, 2, " ")
        case "m": return n(t.month)
        case "M": return n(t.minute)
        case "n": return "\n"
        case "p": return t.hour < 12 ? "AM" : "PM"
        case "P": return t.hour < 12 ? "am" : "pm"
        case "r": return format("%I:%M:%S %p", t)
        case "R": return format("%H:%M", t)
        case "S": return n(t.second)
        case "t": return "\t"
        case "T": return format("%H:%M:%S", t)
        case "u": return String(t.weekday == 0 ? 7 : t.weekday)
        case "U": return n((t.dayOfYear + 7 - t.weekday) / 7)
        case "V": return n(isoWeek(t).week)
        case "w": return String(t.weekday)
        case "W": return n((t.dayOfYear + 7 - (t.weekday + 6) % 7) / 7)
        case "x": return format("%m/%d/%y", t)
        case "X": return format("%H:%M:%S", t)
        case "y": return n(t.year % 100)
        case "Y": return n(t.year, 1)
        case "z", "Z": return ""
        case "%": return "%"
        default: return nil
        }
    }

    /// ISO 8601 week-numbering year and week.
    private static func isoWeek(_ t: TemplateDateTime) -> (year: Int, week: Int) {
        let isoWeekday = t.weekday == 0 ? 7 : t.weekday
        let thursday = t.daysSinceEpoch - isoWeekday + 4
        var year = t.year
        if thursday < TemplateDateTime(year: year, month: 1, day: 1).daysSinceEpoch { year -= 1 }
        else if thursday >= TemplateDateTime(year: year + 1, month: 1, day: 1).daysSinceEpoch { year += 1 }
        let week = (thursday - TemplateDateTime(year: year, month: 1, day: 1).daysSinceEpoch) / 7 + 1
        return (year, week)
    }
}
