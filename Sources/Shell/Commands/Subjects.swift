import Datasets
import Evaluations

/// Finding what an analysis runs on: a result of the right type (imported or computed earlier), by handle or
/// name, with an error that says what was found instead and what would work.
struct Subjects {
    let shell: Interpreter
    let invocation: Invocation

    func result<T: AnalysisResult>(_ reference: String, as type: T.Type, expected: String, hint: String) throws -> T {
        guard let entry = shell.results.lookup(reference) else {
            let known = shell.vocabulary(.source) + shell.results.references
            let suggestion = Suggest.closest(to: reference, in: known).map { " — did you mean '\($0)'?" } ?? ""
            throw invocation.failure("no result or model '\(reference)'\(suggestion); \(hint)")
        }
        guard let typed = entry.result as? T else {
            throw invocation.failure("\(entry.label) is \(entry.result.title), not \(expected); \(hint)")
        }
        return typed
    }

    /// The items of a dataset selection such as `goqa[country=Nigeria][0:100]`.
    func dataset(_ text: String) throws -> Dataset {
        let selection: DatasetSelection
        do { selection = try DatasetSelection(parsing: text) } catch {
            throw invocation.failure("\(error)")
        }
        do { return try shell.services.catalog.select(selection) } catch {
            throw invocation.failure("\(error)")
        }
    }

    /// A dataset of country names (the 181-country filter, the 254 where-from names).
    func countryList(_ name: String) throws -> [String] {
        guard case .countries(let names) = try dataset(name) else {
            throw invocation.failure("'\(name)' is not a list of countries")
        }
        return names
    }

    /// Mean Ranks from a `rank` result, or computed from an AskReddit run over the study's 181 countries.
    func meanRanks(_ reference: String) throws -> MeanRankResult {
        if let entry = shell.results.lookup(reference), let ranks = entry.result as? MeanRankResult { return ranks }
        let run = try result(reference, as: CountryPreferenceRun.self, expected: "AskReddit Mean Ranks or NLLs/rewards",
                             hint: "rank an imported ask-reddit file first")
        do { return try Ranking.meanRanks(run, countries: countryList("country-filter")) } catch let error as ShellError {
            throw error
        } catch { throw invocation.failure("\(error)") }
    }
}

extension Invocation {
    /// Runs analysis code, turning its errors into this command's one-line failures.
    func analysing<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ShellError { throw error } catch {
            throw failure("\(error)")
        }
    }
}
