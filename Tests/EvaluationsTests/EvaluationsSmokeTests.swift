import XCTest
@testable import Evaluations

final class EvaluationsSmokeTests: XCTestCase {
    func testModuleLinks() throws {}
}
