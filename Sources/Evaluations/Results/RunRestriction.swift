import Datasets

// A released file holds every item the study ran; `dialects zephyr on md3[en_ng][:10]` or
// `rank starling on askreddit[sentiment=negative]` names the items to report. These restrict a run (imported or
// computed earlier) to the items of a dataset selection, matched by content, since neither the released files nor
// the datasets carry item ids the other knows.

extension DialectRun {
    /// The games of this run that are among `items` — matched by dialect, correct word and transcript — in the
    /// run's order; ``restriction`` says so.
    ///
    /// - Parameter selection: the selection's text (`md3[en_ng][:10]`), for the note and errors.
    /// - Throws: ``AnalysisError`` when none of the selected games is in the run.
    public func restricted(to items: [DialectItem], selection: String) throws -> DialectRun {
        let key = { (dialect: String, word: String, transcript: String) in "\(dialect)\u{1}\(word)\u{1}\(transcript)" }
        let selected = Set(items.map { key($0.dialect, $0.correctWord, $0.transcript) })
        var restricted = self
        restricted.items = self.items.filter { selected.contains(key($0.dialect, $0.correctWord, $0.transcript)) }
        let found = Set(restricted.items.map { key($0.dialect, $0.correctWord, $0.transcript) }).count
        restricted.restriction = try RunRestriction.note(selection: selection, selected: selected.count, found: found,
                                                         kept: restricted.items.count, of: self.items.count,
                                                         unit: "games", model: model)
        return restricted
    }
}

extension CountryPreferenceRun {
    /// The questions of this run that are among `questions` — matched by question text and response format —
    /// in the run's order; ``restriction`` says so.
    ///
    /// - Parameter selection: the selection's text (`askreddit[sentiment=negative]`), for the note and errors.
    /// - Throws: ``AnalysisError`` when none of the selected questions is in the run.
    public func restricted(to questions: [AskRedditQuestion], selection: String) throws -> CountryPreferenceRun {
        let key = { (question: String, format: String) in "\(question)\u{1}\(format)" }
        let selected = Set(questions.map { key($0.question, $0.responseFormat) })
        var restricted = self
        restricted.questions = self.questions.filter { selected.contains(key($0.question, $0.responseFormat)) }
        let found = Set(restricted.questions.map { key($0.question, $0.responseFormat) }).count
        restricted.restriction = try RunRestriction.note(selection: selection, selected: selected.count, found: found,
                                                         kept: restricted.questions.count, of: self.questions.count,
                                                         unit: "questions", model: model)
        return restricted
    }
}

/// The one wording of a restriction's note and of its failure.
enum RunRestriction {
    static func note(selection: String, selected: Int, found: Int, kept: Int, of total: Int, unit: String,
                     model: String) throws -> String {
        guard kept > 0 else {
            throw AnalysisError("none of the \(selected) \(unit) of \(selection) is in \(model)'s \(total) \(unit)")
        }
        var note = "restricted to \(selection): \(kept) of the run's \(total) \(unit)"
        if found < selected { note += "; \(selected - found) selected \(unit) are not in the run" }
        return note
    }
}
