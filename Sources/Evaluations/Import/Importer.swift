import Datasets
import Foundation
import TextFormats

/// Reads the study's released output files into the same result types live runs produce.
///
/// Recognised by their columns or shape (every kind in the study's `outputs/` and `results/`):
/// - GlobalOpinionsQA: `question,options,probs,model_id,…,<country>…` → ``OpinionRun``
/// - MD3 word game: `model,…,correct_answer_prob,distractor_probs,generated_answer,…,transcript,correct_answer,distractors` → ``DialectRun``
/// - TyDiQA generations: a JSON object id → generation, or a directory of them (one per language) → ``QARun``
/// - AskReddit NLLs (`Question,Full Prompt,model,…,use_chat_template,<country>…`) and rewards
///   (`…,reward_model,…,<country>…`) → ``CountryPreferenceRun``
/// - where-from rewards (`country,prompt,reward,…`) → ``RewardsResult``
/// - `results/starling_rm_df_filtered_USA.csv` (`,Country,…,Mean Rank,code`) → ``MeanRankResult``
/// - `results/correlations.txt` (printed `SignificanceResult`s) → ``CorrelationResult``
/// - `results/*-languages*.csv` → ``TableResult``
public enum Importer {
    /// Reads a released file (or a directory of TyDiQA generation files). `model` overrides the model name the
    /// file states. Malformed rows are errors naming file and line, or counted and skipped with `.skip`.
    ///
    /// - Parameter shown: how notes and errors name the file, when not by `path` — the shell opens a file by its
    ///   absolute path but names it relative to the bundled `Datasets/`, so a saved session replays anywhere.
    public static func `import`(file path: String, shownAs shown: String? = nil, model: String? = nil,
                                policy: MalformedRowPolicy = .fail) throws -> any AnalysisResult {
        let label = FileLabel(opened: path, shown: shown ?? path)
        do { return try read(label, model: model, policy: policy) } catch let error as DatasetError {
            throw label.relabel(error)
        }
    }

    private static func read(_ label: FileLabel, model: String?, policy: MalformedRowPolicy) throws -> any AnalysisResult {
        let path = label.opened
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError(file: path, "no such file or directory")
        }
        if isDirectory.boolValue || path.hasSuffix(".json") {
            return try QAImport.read(label, model: model)
        }
        if path.hasSuffix(".txt") { return try CorrelationImport.read(label) }
        var table = try CSVReader.read(path: path, policy: policy)
        table.file = label.shown
        table.skipped = label.relabel(table.skipped)
        let columns = Set(table.header)
        if columns.isSuperset(of: ["question", "options", "probs"]) {
            return try OpinionImport.read(table, model: model, policy: policy)
        }
        if columns.isSuperset(of: ["generated_answer", "correct_answer_prob", "distractor_probs"]) {
            return try DialectImport.read(table, model: model, policy: policy)
        }
        if columns.isSuperset(of: ["Question", "Full Prompt", "Sentiment", "Response Format"]) {
            return try PreferenceImport.read(table, model: model, policy: policy)
        }
        if columns.isSuperset(of: ["country", "prompt", "reward"]) {
            return try WhereFromImport.read(table, model: model, policy: policy)
        }
        if columns.isSuperset(of: ["Country", "Mean Rank", "Total Rank"]) {
            return try MeanRankImport.read(table, model: model)
        }
        if columns.contains("agreed_lang_text") {
            return LanguageShareImport.read(table)
        }
        throw DatasetError(file: path, line: 1, "not a recognised released output (columns: \(table.header.prefix(8).joined(separator: ", "))…)")
    }

    /// The model name a path suggests: `zephyr-7b-beta_8bit.csv` → `zephyr-7b-beta_8bit`.
    static func stem(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// `org/Model-Name` → `Model-Name`.
    static func shortModelName(_ id: String) -> String {
        id.split(separator: "/").last.map(String.init) ?? id
    }
}

/// A file as opened and as notes and errors name it (the readers below the importer know only the opened path).
struct FileLabel {
    let opened: String
    let shown: String

    /// `opened/x` → `shown/x` (a directory's files keep their names).
    func callAsFunction(_ file: String) -> String {
        guard file.hasPrefix(opened) else { return file }
        return shown + file.dropFirst(opened.count)
    }

    func relabel(_ error: DatasetError) -> DatasetError {
        var error = error
        error.file = self(error.file)
        return error
    }

    func relabel(_ skipped: SkippedRows) -> SkippedRows {
        var relabelled = SkippedRows()
        for example in skipped.examples { relabelled.record(relabel(example)) }
        // Beyond the kept examples only the count grows.
        for _ in skipped.examples.count..<max(skipped.examples.count, skipped.count) {
            relabelled.record(DatasetError(file: shown, ""))
        }
        return relabelled
    }
}

/// Cell parsing with errors located at the record.
struct CellReader {
    let table: CSVTable
    let record: CSVRecord

    func error(_ message: String) -> DatasetError { DatasetError(file: table.file, line: record.line, message) }

    func text(_ column: Int) -> String { record.fields[column] }

    func number(_ column: Int, _ name: String) throws -> Double {
        guard let value = PythonFloat.parse(record.fields[column]) else {
            throw error("\(name): not a number: '\(record.fields[column])'")
        }
        return value
    }

    func numberList(_ column: Int, _ name: String) throws -> [Double] {
        do {
            guard case .list(let items) = try PythonLiteral.parse(record.fields[column]) else {
                throw error("\(name): expected a Python list")
            }
            let numbers = items.compactMap(\.number)
            guard numbers.count == items.count else { throw error("\(name): expected numbers") }
            return numbers
        } catch let syntax as PythonLiteral.SyntaxError {
            throw error("\(name): \(syntax)")
        }
    }

    func stringList(_ column: Int, _ name: String) throws -> [String] {
        do {
            guard case .list(let items) = try PythonLiteral.parse(record.fields[column]) else {
                throw error("\(name): expected a Python list")
            }
            return items.map(\.pythonStr)
        } catch let syntax as PythonLiteral.SyntaxError {
            throw error("\(name): \(syntax)")
        }
    }
}

extension CSVTable {
    /// Runs `body` on every record, turning its errors into skips when the policy allows.
    func eachRecord(policy: MalformedRowPolicy, _ body: (CellReader) throws -> Void) throws -> SkippedRows {
        var skipped = self.skipped
        for record in records {
            do { try body(CellReader(table: self, record: record)) } catch let problem as DatasetError {
                try skipped.handle(problem, policy: policy)
            }
        }
        return skipped
    }
}

extension SkippedRows {
    /// The note a result carries about skipped rows, if any.
    var note: String? {
        guard count > 0 else { return nil }
        let first = examples.first.map { " (first: \($0))" } ?? ""
        return "skipped \(count) malformed row\(count == 1 ? "" : "s")\(first)"
    }
}
