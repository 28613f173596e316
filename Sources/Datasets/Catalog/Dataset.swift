/// The kinds of data AlignScope knows how to read.
public enum DatasetKind: String, Sendable, CaseIterable {
    /// GlobalOpinionsQA, original CSV.
    case goqa
    /// GlobalOpinionsQA (question, country) pairs JSON.
    case goqaPairs = "goqa-pairs"
    /// MD3 word-game items, processed CSV.
    case md3
    /// MD3 raw release: a directory of `transcripts_{d}.tsv` + `prompts_{d}.tsv`.
    case md3Raw = "md3-raw"
    /// TyDiQA-GoldP, SQuAD JSON (a file or a directory of files).
    case tydiqa
    /// Belebele, original or converted jsonl.
    case belebele
    /// AskRedditCountries CSV.
    case askreddit
    /// A JSON array of country names (the 254 where-from names, the 181-country filter).
    case countryList = "country-list"
    /// Gallup favourability CSV.
    case gallup

    public var summary: String {
        switch self {
        case .goqa: "GlobalOpinionsQA questions (original CSV)"
        case .goqaPairs: "GlobalOpinionsQA (question, country) pairs (JSON)"
        case .md3: "MD3 word-game items (processed CSV)"
        case .md3Raw: "MD3 word games (raw transcripts + prompts)"
        case .tydiqa: "TyDiQA-GoldP questions (SQuAD JSON)"
        case .belebele: "Belebele reading questions (jsonl)"
        case .askreddit: "AskRedditCountries questions (CSV)"
        case .countryList: "country names (JSON list)"
        case .gallup: "Gallup US favourability (CSV)"
        }
    }
}

/// The parsed contents of a dataset: a list of items of one type.
public enum Dataset: Sendable, Equatable {
    case opinions([OpinionQuestion])
    case dialects([DialectItem])
    case qa([QAItem])
    case reading([ReadingItem])
    case askReddit([AskRedditQuestion])
    case countries([String])
    case favorability(FavorabilityPoll)

    public var count: Int {
        switch self {
        case .opinions(let items): items.count
        case .dialects(let items): items.count
        case .qa(let items): items.count
        case .reading(let items): items.count
        case .askReddit(let items): items.count
        case .countries(let items): items.count
        case .favorability(let poll): poll.countries.count
        }
    }

    /// What one item is called, for messages ("2,556 questions").
    public var unit: String {
        switch self {
        case .opinions, .qa, .reading, .askReddit: "questions"
        case .dialects: "games"
        case .countries, .favorability: "countries"
        }
    }
}
