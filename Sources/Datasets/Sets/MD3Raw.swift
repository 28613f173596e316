import TextFormats

/// The raw MD3 release: per dialect `transcripts_{d}.tsv` (clip_identifier, speaker_id, transcript: one row per
/// utterance) and `prompts_{d}.tsv` (clip_identifier, correct_word/image, distractors, game_type, prompt_status).
///
/// Cleaning, as the study did it: per clip, exact duplicate rows and rows without speaker or text are dropped,
/// as is an utterance identical to the same speaker's previous one; lines become `speaker: text`. Items are the
/// `word` games with status `win`, minus the curated skips; the transcript is cut just before the first line
/// that contains the answer (or the curated alternative spelling), compared lower-cased; a game whose answer
/// never appears is dropped.
extension MD3 {
    /// The study's hand curation of the raw games.
    public struct Curation: Sendable, Equatable {
        /// Clips left out (blank, off-topic, or the word does not match the transcript).
        public var skip: Set<String>
        /// Per clip, the spelling to cut at; `nil` keeps the whole transcript.
        public var alternatives: [String: String?]

        public init(skip: Set<String> = [], alternatives: [String: String?] = [:]) {
            self.skip = skip
            self.alternatives = alternatives
        }

        /// Reads `{"skip": [clip, …], "alternative_words": {clip: word-or-null, …}}`.
        public static func load(path: String) throws -> Curation {
            let root = JSONCursor(try FileBytes.json(path), file: path)
            let skip = try root["skip"].items().map { try $0.string() }
            var alternatives: [String: String?] = [:]
            for member in try root["alternative_words"].members() {
                let cursor = JSONCursor(member.value, file: path, path: "alternative_words.\(member.key)")
                alternatives[member.key] = cursor.isNull ? String?.none : try cursor.string()
            }
            return Curation(skip: Set(skip), alternatives: alternatives)
        }
    }

    /// What cleaning left out, beyond malformed rows.
    public struct RawReport: Sendable, Equatable {
        public var curatedSkips = 0
        public var answerNotFound: [String] = []
        public var missingTranscript: [String] = []
    }

    /// Reads every dialect whose two files are in `directory`.
    public static func loadRaw(directory: String, curation: Curation = Curation(),
                               policy: MalformedRowPolicy = .fail) throws
        -> (items: [DialectItem], skipped: SkippedRows, report: RawReport) {
        var items: [DialectItem] = []
        var skipped = SkippedRows()
        var report = RawReport()
        var found = false
        for dialect in dialects {
            let prompts = directory + "/prompts_\(dialect).tsv"
            let transcripts = directory + "/transcripts_\(dialect).tsv"
            guard FileBytes.exists(prompts) || FileBytes.exists(transcripts) else { continue }
            found = true
            let lines = try transcriptLines(path: transcripts, policy: policy, skipped: &skipped)
            let table = try CSVReader.read(path: prompts, delimiter: UInt8(ascii: "\t"), policy: policy)
            skipped.merge(table.skipped)
            let clip = try table.column("clip_identifier")
            let word = try table.column("correct_word/image")
            let distractors = try table.column("distractors")
            let gameType = try table.column("game_type")
            let status = try table.column("prompt_status")
            for record in table.records where record.fields[gameType] == "word" && record.fields[status] == "win" {
                let id = record.fields[clip]
                if curation.skip.contains(id) {
                    report.curatedSkips += 1
                    continue
                }
                let words: [String]
                do { words = try parseWordList(record.fields[distractors]) } catch let problem as GlobalOpinionsQA.RowProblem {
                    try skipped.handle(DatasetError(file: prompts, line: record.line, problem.message), policy: policy)
                    continue
                }
                guard let clipLines = lines[id] else {
                    report.missingTranscript.append(id)
                    continue
                }
                let answer = record.fields[word]
                var cutAt: String? = answer
                if let alternative = curation.alternatives[id] { cutAt = alternative }
                var end = clipLines.count
                if let cutAt {
                    let needle = PythonText.lower(PythonText.strip(cutAt))
                    guard let index = clipLines.firstIndex(where: {
                        PythonText.contains(PythonText.lower(PythonText.strip($0)), needle)
                    }) else {
                        report.answerNotFound.append(id)
                        continue
                    }
                    end = index
                }
                let transcript = PythonText.strip(clipLines[..<end].joined(separator: "\n"))
                items.append(DialectItem(dialect: dialect, transcript: transcript, correctWord: answer,
                                         distractors: words, clip: id, origin: "\(prompts):\(record.line)"))
            }
        }
        guard found else {
            throw DatasetError(file: directory, "no MD3 files (expected prompts_{en_in,en_ng,en_us}.tsv and transcripts_….tsv)")
        }
        return (items, skipped, report)
    }

    /// The cleaned `speaker: text` lines of every clip.
    static func transcriptLines(path: String, policy: MalformedRowPolicy,
                                skipped: inout SkippedRows) throws -> [String: [String]] {
        let table = try CSVReader.read(path: path, delimiter: UInt8(ascii: "\t"), policy: policy)
        skipped.merge(table.skipped)
        let clip = try table.column("clip_identifier")
        let speaker = try table.column("speaker_id")
        let text = try table.column("transcript")
        var seenRows = Set<[String]>()
        var lines: [String: [String]] = [:]
        var previous: [String: [String: String]] = [:]
        for record in table.records {
            // Exact duplicate rows (every column) count once, as pandas' drop_duplicates keeps the first.
            guard seenRows.insert(record.fields).inserted else { continue }
            let id = record.fields[clip]
            let who = record.fields[speaker]
            let said = record.fields[text]
            if PandasMissing.isMissing(who) || PandasMissing.isMissing(said) { continue }
            if previous[id]?[who] == said { continue }
            previous[id, default: [:]][who] = said
            lines[id, default: []].append(PythonText.strip(who) + ": " + PythonText.strip(said))
        }
        return lines
    }
}

/// The cell texts pandas' `read_csv` reads as NaN by default; the study's cleaning skipped such rows.
enum PandasMissing {
    static let values: Set<String> = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
                                      "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]

    static func isMissing(_ text: String) -> Bool { values.contains(text) }
}
