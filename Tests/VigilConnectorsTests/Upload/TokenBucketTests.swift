import XCTest
@testable import VigilConnectors

final class TokenBucketTests: XCTestCase {
    func testBurstThenPacedByRate() {
        var bucket = TokenBucket(rate: 1000, burst: 1000)
        XCTAssertEqual(bucket.reserve(1000, now: 0), 0, "the burst goes at once")
        XCTAssertEqual(bucket.reserve(500, now: 0), 0.5, accuracy: 1e-9)
        XCTAssertEqual(bucket.reserve(500, now: 0.5), 0.5, accuracy: 1e-9, "debt from the last reservation")
        XCTAssertEqual(bucket.reserve(0, now: 10), 0, "refilled after a quiet spell")
        XCTAssertEqual(bucket.reserve(3000, now: 10), 2, accuracy: 1e-9, "a large part waits in proportion")
    }
}
