import XCTest
@testable import VigilPipeline

final class FrameSamplerTests: XCTestCase {
    func testNoLimit_scoresEveryFrame() {
        var sampler = FrameSampler(fps: 0)
        XCTAssertEqual((0..<10).map { sampler.offer(at: Double($0) * 0.01) }, Array(repeating: .score, count: 10))
    }

    func testFiveOfTwentyFive_scoresEveryFifthFrameWithoutDrift() {
        var sampler = FrameSampler(fps: 5)
        let decisions = (0..<50).map { sampler.offer(at: Double($0) / 25) }
        let scored = decisions.enumerated().filter { $0.element == .score }.map(\.offset)
        XCTAssertEqual(scored, [0, 5, 10, 15, 20, 25, 30, 35, 40, 45])
    }

    func testAfterAStall_doesNotBurst() {
        var sampler = FrameSampler(fps: 2)
        XCTAssertEqual(sampler.offer(at: 0), .score)
        XCTAssertEqual(sampler.offer(at: 0.2), .skip)
        // Three seconds without frames: the next is scored, the one right after is not.
        XCTAssertEqual(sampler.offer(at: 3.0), .score)
        XCTAssertEqual(sampler.offer(at: 3.1), .skip)
        XCTAssertEqual(sampler.offer(at: 3.5), .score)
    }
}
