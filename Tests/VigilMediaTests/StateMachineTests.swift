import Foundation
@testable import VigilMedia
import XCTest

/// The value types behind a source's timing and bookkeeping, driven with injected instants.
final class StateMachineTests: XCTestCase {
    private let t0 = ContinuousClock.now

    private func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .seconds(seconds) }

    private func delays(_ backoff: inout ReconnectBackoff, count: Int, at seconds: Double = 0) -> [Double] {
        (0..<count).map { _ in
            guard case .retry(let delay, _) = backoff.failed(at: at(seconds)) else { return -1 }
            return delay
        }
    }

    func test_backoff_doublesUpToTheMaximum() {
        var backoff = ReconnectBackoff(policy: ReconnectPolicy())
        XCTAssertEqual(delays(&backoff, count: 9), [0.5, 1, 2, 4, 8, 16, 30, 30, 30])
        XCTAssertEqual(backoff.failed(at: at(0)), .retry(after: 30, attempt: 10))
    }

    func test_backoff_resetsAfterAHealthyConnection() {
        var backoff = ReconnectBackoff(policy: ReconnectPolicy(healthyAfter: 10))
        _ = delays(&backoff, count: 4)                       // 0.5, 1, 2, 4
        backoff.streaming(at: at(100))
        XCTAssertEqual(backoff.failed(at: at(105)), .retry(after: 8, attempt: 5), "5 s of frames is not healthy yet")
        backoff.streaming(at: at(200))
        XCTAssertEqual(backoff.failed(at: at(210)), .retry(after: 0.5, attempt: 1), "10 s of frames is")
    }

    func test_backoff_jitterShortensDelays() {
        var backoff = ReconnectBackoff(policy: ReconnectPolicy(jitter: 0.5), random: { 1 })
        XCTAssertEqual(delays(&backoff, count: 3), [0.25, 0.5, 1])
        var none = ReconnectBackoff(policy: ReconnectPolicy(jitter: 0.5), random: { 0 })
        XCTAssertEqual(delays(&none, count: 3), [0.5, 1, 2])
    }

    func test_pacer_holdsFramesUntilTheirTime() {
        var pacer = RealTimePacer()
        XCTAssertEqual(pacer.delay(forPresentationTime: 10, now: at(0)), 0, "the first frame anchors")
        XCTAssertEqual(pacer.delay(forPresentationTime: 10.04, now: at(0.01)), 0.03, accuracy: 1e-9)
        XCTAssertEqual(pacer.delay(forPresentationTime: 10.08, now: at(0.1)), 0, "late frames go at once")
        XCTAssertEqual(pacer.delay(forPresentationTime: 10.12, now: at(0.1)), 0.02, accuracy: 1e-9, "the anchor stays")
    }

    func test_pacer_reanchorsOnJumps() {
        var pacer = RealTimePacer()
        _ = pacer.delay(forPresentationTime: 0, now: at(0))
        XCTAssertEqual(pacer.delay(forPresentationTime: 500, now: at(0.04)), 0, "a timestamp jump re-anchors")
        XCTAssertEqual(pacer.delay(forPresentationTime: 500.04, now: at(0.04)), 0.04, accuracy: 1e-9)
        pacer.reset()
        XCTAssertEqual(pacer.delay(forPresentationTime: 3, now: at(9)), 0)
    }

    func test_slot_keepsOnlyTheNewestAndCountsDrops() {
        var slot = LatestFrameSlot()
        XCTAssertNil(slot.take(after: 0))
        XCTAssertNil(slot.publish(frame(1)))
        XCTAssertEqual(slot.take(after: 0)?.sequence, 1)
        XCTAssertNil(slot.take(after: 1))
        XCTAssertNil(slot.publish(frame(2)), "a taken frame's buffer may still be in use")
        let reusable = slot.publish(frame(3))
        XCTAssertEqual(reusable?.count, 12, "an untaken frame's buffer comes back for reuse")
        XCTAssertEqual(slot.dropped, 1)
        XCTAssertEqual(slot.take(after: 1)?.sequence, 3)
        XCTAssertEqual(slot.take(after: 1)?.sequence, 3, "asking again gets the same newest frame")
        XCTAssertEqual(slot.newestSequence, 3)
        XCTAssertEqual(slot.dropped, 1)
    }

    func test_frameRateMeter_measuresTheRecentRate() {
        var meter = FrameRateMeter(capacity: 5)
        XCTAssertEqual(meter.framesPerSecond, 0)
        for i in 0..<20 { meter.record(at(Double(i) * 0.1)) }
        XCTAssertEqual(meter.framesPerSecond, 10, accuracy: 1e-9)
        for i in 0..<5 { meter.record(at(2 + Double(i) * 0.04)) }
        XCTAssertEqual(meter.framesPerSecond, 25, accuracy: 1e-9)
        meter.reset()
        XCTAssertEqual(meter.framesPerSecond, 0)
    }

    func test_timeline_continuesAcrossLoopsAndFillsMissingTimestamps() {
        var timeline = PresentationTimeline(nominalFrameRate: 25)
        XCTAssertEqual(timeline.place(nil), 0)
        XCTAssertEqual(timeline.place(nil), 0.04, accuracy: 1e-9)
        XCTAssertEqual(timeline.place(0.1), 0.1, accuracy: 1e-9)
        XCTAssertEqual(timeline.place(0.2), 0.2, accuracy: 1e-9)
        timeline.restart()
        XCTAssertEqual(timeline.place(0), 0.3, accuracy: 1e-9, "one step after the last frame")
        XCTAssertEqual(timeline.place(0.1), 0.4, accuracy: 1e-9)
    }

    private func frame(_ sequence: UInt64) -> Frame {
        Frame(width: 2, height: 2, pixels: [UInt8](repeating: UInt8(sequence), count: 12), sequence: sequence, presentationTime: 0)
    }
}
