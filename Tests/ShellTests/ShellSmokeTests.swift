import XCTest
@testable import Shell

final class ShellSmokeTests: XCTestCase {
    func testModuleLinks() throws {}
}
