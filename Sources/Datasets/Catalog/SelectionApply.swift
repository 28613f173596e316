/// A selector the dataset cannot apply: an unknown key, a value no item has, a slice of the wrong kind.
public struct SelectionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// An item that filters by named keys.
protocol FilterableItem {
    /// The keys `key=value` accepts; the first is what a bare word means unless another key knows the word.
    static var filterKeys: [String] { get }
    /// This item's values for `key` (several when a value has several spellings, e.g. a language and its code).
    func values(for key: String, countries: CountryTable?) -> [String]
}

extension Dataset {
    /// Applies selectors left to right. `countries` lets `country=` accept any name of a country
    /// (`country=United Kingdom` matches GOQA's "Britain" and "Great Britain").
    public func applying(_ selectors: [DatasetSelection.Selector], countries: CountryTable? = nil) throws -> Dataset {
        var result = self
        for selector in selectors { result = try result.applying(selector, full: self, countries: countries) }
        return result
    }

    private func applying(_ selector: DatasetSelection.Selector, full: Dataset,
                          countries: CountryTable?) throws -> Dataset {
        switch (self, full) {
        case (.opinions(let items), .opinions(let all)):
            return .opinions(try Self.select(items, all: all, selector, countries))
        case (.dialects(let items), .dialects(let all)):
            return .dialects(try Self.select(items, all: all, selector, countries))
        case (.qa(let items), .qa(let all)):
            return .qa(try Self.select(items, all: all, selector, countries))
        case (.reading(let items), .reading(let all)):
            return .reading(try Self.select(items, all: all, selector, countries))
        case (.askReddit(let items), .askReddit(let all)):
            return .askReddit(try Self.select(items, all: all, selector, countries))
        case (.countries(let names), _):
            return .countries(try Self.slice(names, selector, what: "country lists"))
        case (.favorability(var poll), _):
            poll.countries = try Self.slice(poll.countries, selector, what: "polls")
            poll.percentFavorable = nil
            return .favorability(poll)
        default:
            return self
        }
    }

    private static func slice<T>(_ items: [T], _ selector: DatasetSelection.Selector, what: String) throws -> [T] {
        switch selector {
        case .slice(let start, let end): return pythonSlice(items, start: start, end: end)
        case .index(let index): return pythonSlice(items, start: index, end: index == -1 ? nil : index + 1)
        case .filter, .word: throw SelectionError(message: "\(what) only take slices such as [0:10]")
        }
    }

    private static func select<Item: FilterableItem>(_ items: [Item], all: [Item], _ selector: DatasetSelection.Selector,
                                                     _ countries: CountryTable?) throws -> [Item] {
        switch selector {
        case .slice, .index:
            return try slice(items, selector, what: "")
        case .filter(let key, let value):
            guard Item.filterKeys.contains(key) else {
                throw SelectionError(message: "unknown filter '\(key)': this dataset filters by \(Item.filterKeys.joined(separator: ", "))")
            }
            try requireKnown(value, key: key, in: all, countries)
            return items.filter { matches($0, key: key, value: value, countries) }
        case .word(let word):
            // The first key that knows the word decides what it means.
            guard let key = Item.filterKeys.first(where: { key in
                all.contains { matches($0, key: key, value: word, countries) }
            }) else {
                let known = Item.filterKeys.first.map { knownValues(all, key: $0, countries) } ?? []
                throw SelectionError(message: "no item has '\(word)'" + suggestion(word, among: known))
            }
            return items.filter { matches($0, key: key, value: word, countries) }
        }
    }

    private static func matches<Item: FilterableItem>(_ item: Item, key: String, value: String,
                                                      _ countries: CountryTable?) -> Bool {
        var wanted: Set<String> = [value.lowercased()]
        // Any name of a country ("UK", "United Kingdom") finds its national labels ("Britain").
        if key == "country", let match = countries?.resolve(value), match.isNational {
            wanted.insert(match.country.name.lowercased())
        }
        return item.values(for: key, countries: countries).contains { wanted.contains($0.lowercased()) }
    }

    private static func requireKnown<Item: FilterableItem>(_ value: String, key: String, in all: [Item],
                                                           _ countries: CountryTable?) throws {
        guard !all.contains(where: { matches($0, key: key, value: value, countries) }) else { return }
        let known = knownValues(all, key: key, countries)
        if known.isEmpty {
            // e.g. the bundled GOQA pairs subset does not record each question's survey.
            throw SelectionError(message: "this dataset does not record '\(key)' (the original file does: open it with `open NAME PATH`)")
        }
        throw SelectionError(message: "no item has \(key)=\(value)" + suggestion(value, among: known))
    }

    private static func knownValues<Item: FilterableItem>(_ all: [Item], key: String, _ countries: CountryTable?) -> [String] {
        var seen = Set<String>()
        var values: [String] = []
        for item in all {
            for value in item.values(for: key, countries: nil) where seen.insert(value).inserted { values.append(value) }
        }
        return values
    }

    private static func suggestion(_ value: String, among known: [String]) -> String {
        let target = value.lowercased()
        let close = known.map { ($0, EditDistance.between($0.lowercased(), target)) }
            .filter { $0.1 <= max(2, target.count / 3) }
            .sorted { $0.1 < $1.1 }
            .prefix(3).map(\.0)
        if !close.isEmpty { return " (did you mean \(close.joined(separator: ", "))?)" }
        if known.count <= 12, !known.isEmpty { return " (values: \(known.joined(separator: ", ")))" }
        return ""
    }
}

/// Python's `items[start:end]`: negative bounds count from the end, out-of-range bounds clamp.
func pythonSlice<T>(_ items: [T], start: Int?, end: Int?) -> [T] {
    let count = items.count
    func clamp(_ bound: Int?, _ fallback: Int) -> Int {
        guard let bound else { return fallback }
        let resolved = bound < 0 ? bound + count : bound
        return min(max(resolved, 0), count)
    }
    let lower = clamp(start, 0)
    let upper = clamp(end, count)
    return lower < upper ? Array(items[lower..<upper]) : []
}

extension OpinionQuestion: FilterableItem {
    static let filterKeys = ["source", "country"]

    func values(for key: String, countries: CountryTable?) -> [String] {
        switch key {
        case "source": return source.map { [$0] } ?? []
        case "country":
            // A national label also answers to its country's canonical name and aliases.
            var values = self.countries.map(\.country)
            if let countries {
                for label in self.countries.map(\.country) {
                    if let match = countries.resolve(label), match.isNational { values.append(match.country.name) }
                }
            }
            return values
        default: return []
        }
    }
}

extension DialectItem: FilterableItem {
    static let filterKeys = ["dialect"]
    func values(for key: String, countries: CountryTable?) -> [String] { key == "dialect" ? [dialect] : [] }
}

extension QAItem: FilterableItem {
    static let filterKeys = ["language"]
    func values(for key: String, countries: CountryTable?) -> [String] {
        key == "language" ? [language, TyDiQA.code(of: language)] : []
    }
}

extension ReadingItem: FilterableItem {
    static let filterKeys = ["language"]
    func values(for key: String, countries: CountryTable?) -> [String] {
        guard key == "language" else { return [] }
        let prefix = language.split(separator: "_").first.map(String.init) ?? language
        return [language, prefix]
    }
}

extension AskRedditQuestion: FilterableItem {
    static let filterKeys = ["sentiment", "category", "query"]
    func values(for key: String, countries: CountryTable?) -> [String] {
        switch key {
        case "sentiment": [sentiment.rawValue]
        case "category": [category]
        case "query": [searchQuery]
        default: []
        }
    }
}
