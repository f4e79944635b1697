import VigilConnectors
import XCTest

final class MQTTReconnectBackoffTests: XCTestCase {
    func test_failures_doubleFromInitialUpToMax() {
        var backoff = MQTTReconnectBackoff(initialDelay: 0.5, maxDelay: 30)
        var now = 100.0
        var delays: [Double] = []
        for _ in 0..<9 {
            let next = backoff.failed(at: now)
            delays.append(next - now)
            now = next
        }
        XCTAssertEqual(delays, [0.5, 1, 2, 4, 8, 16, 30, 30, 30])
    }

    func test_connected_resetsToInitialDelay() {
        var backoff = MQTTReconnectBackoff(initialDelay: 0.5, maxDelay: 30)
        for _ in 0..<5 { _ = backoff.failed(at: 0) }
        backoff.connected()
        XCTAssertEqual(backoff.failed(at: 10), 10.5)
    }

    func test_manyFailures_doNotOverflow() {
        var backoff = MQTTReconnectBackoff(initialDelay: 0.5, maxDelay: 30)
        for _ in 0..<10_000 { _ = backoff.failed(at: 0) }
        XCTAssertEqual(backoff.currentDelay, 30)
    }
}
