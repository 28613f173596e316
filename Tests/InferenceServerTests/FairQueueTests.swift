import XCTest
@testable import InferenceServer

final class FairQueueTests: XCTestCase {
    func testEachClientIsFirstInFirstOutAndClientsTakeTurns() {
        var queue = FairQueue<String>()
        for job in ["a1", "a2", "a3", "a4"] { queue.append(job, client: "a") }
        queue.append("b1", client: "b")
        queue.append("b2", client: "b")
        queue.append("c1", client: "c")
        var order: [String] = []
        while let job = queue.next() {
            order.append(job)
            if job == "a2" { queue.append("c2", client: "c") }
        }
        XCTAssertEqual(order, ["a1", "b1", "c1", "a2", "b2", "c2", "a3", "a4"])
        XCTAssertEqual(queue.count, 0)
    }
}
