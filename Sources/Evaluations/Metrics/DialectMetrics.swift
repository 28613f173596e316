import Datasets
import TextFormats

/// MD3's two correctness rules.
public enum DialectMetrics {
    /// Metric 1 (the paper's plot): the lower-cased correct word is a substring of the lower-cased generation
    /// and no lower-cased distractor is.
    public static func generationIsCorrect(_ generation: String, correct: String, distractors: [String]) -> Bool {
        let text = PythonText.lower(generation)
        guard PythonText.contains(text, PythonText.lower(correct)) else { return false }
        return !distractors.contains { PythonText.contains(text, PythonText.lower($0)) }
    }

    /// Metric 2: the correct word's probability beats every distractor's (argmax over the six candidates).
    public static func choiceIsCorrect(correct: Double, distractors: [Double]) -> Bool {
        distractors.allSatisfy { correct > $0 }
    }
}
