import XCTest
@testable import Engine

/// Lazy registration, loading on first use, least-recently-used eviction and refusal with the figures.
final class RegistryTests: XCTestCase {
    let qwen = Fixtures.repository.appendingPathComponent("Tests/Fixtures/engine/tiny-qwen2").path

    func testRegistersLazilyAndEvictsLeastRecentlyUsed() throws {
        let smol = try Fixtures.smolLM2().path
        let probe = ModelRegistry()
        let a = try probe.register(name: "a", path: smol)
        XCTAssertTrue(probe.resident.isEmpty, "registering loads nothing")
        XCTAssertEqual(a.weightBytes, 98_000_000, accuracy: 2_000_000)
        // Room for one of these models at a time.
        let registry = ModelRegistry(memoryBudget: a.requiredBytes * 3 / 2)
        try registry.register(name: "a", path: smol)
        try registry.register(name: "b", path: smol)
        _ = try registry.model(named: "a")
        XCTAssertEqual(registry.resident, ["a"])
        _ = try registry.model(named: "b")
        XCTAssertEqual(registry.resident, ["b"], "a was evicted to make room")
        XCTAssertThrowsError(try registry.model(named: "c")) {
            XCTAssertTrue("\($0)".contains("no model named c"), "\($0)")
        }
    }

    func testRefusesAModelThatCannotFit() throws {
        let registry = ModelRegistry(memoryBudget: 1000)
        try registry.register(name: "big", path: qwen)
        XCTAssertThrowsError(try registry.model(named: "big")) { error in
            XCTAssertTrue("\(error)".contains("big needs"), "\(error)")
            XCTAssertTrue("\(error)".contains("available"), "\(error)")
        }
        XCTAssertThrowsError(try registry.register(name: "nothing", path: "/nonexistent/model.gguf"))
    }

    func testMemInfoParsing() {
        let info = MemoryInfo.parse("MemTotal:       24576000 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\n")
        XCTAssertEqual(info.totalBytes, 24_576_000 * 1024)
        XCTAssertEqual(info.availableBytes, 20_000_000 * 1024)
    }
}
