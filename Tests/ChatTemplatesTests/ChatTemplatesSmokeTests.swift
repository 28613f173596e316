import XCTest
@testable import ChatTemplates

final class ChatTemplatesSmokeTests: XCTestCase {
    func testModuleLinks() throws {}
}
