import XCTest
@testable import ModelFormats

final class ModelFormatsSmokeTests: XCTestCase {
    func testModuleLinks() throws {}
}
