import Foundation

/// What a source's reading thread and its consumers share: the latest-frame slot, the status,
/// and the stop request, under one lock.
final class CaptureState: @unchecked Sendable {
    /// Consulted by FFmpeg's interrupt callback; holds the stop flag.
    let interrupt = InterruptState()
    private let condition = NSCondition()
    private var slot = LatestFrameSlot()
    private var status = SourceStatus()
    private var meter = FrameRateMeter()
    private var threadFinished = false

    /// A copy of the status with the current counters.
    var snapshot: SourceStatus {
        condition.lock()
        defer { condition.unlock() }
        var copy = status
        copy.framesDropped = slot.dropped
        copy.inputFramesPerSecond = meter.framesPerSecond
        return copy
    }

    var isStopRequested: Bool { interrupt.isStopRequested }

    /// Changes the status and wakes waiting consumers.
    func update(_ change: (inout SourceStatus) -> Void) {
        condition.lock()
        change(&status)
        condition.broadcast()
        condition.unlock()
    }

    /// Makes `frame` the newest (state `.streaming`). Returns a pixel buffer the reader may
    /// reuse: the replaced frame's, when no consumer took it.
    func publish(_ frame: Frame) -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        status.framesRead += 1
        if status.state != .streaming { status.state = .streaming }
        meter.record(frame.capturedInstant)
        let reusable = slot.publish(frame)
        condition.broadcast()
        return reusable
    }

    /// Forgets the frame-rate history (after a reconnect).
    func resetRate() {
        condition.lock()
        meter.reset()
        condition.unlock()
    }

    /// The newest frame with a sequence above `sequence`, waiting up to `timeout` seconds for one;
    /// nil on timeout or once the source has finished and holds nothing newer.
    func next(after sequence: UInt64, timeout: Double) -> Frame? {
        let deadline = Date(timeIntervalSinceNow: max(0, timeout))
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let frame = slot.take(after: sequence) { return frame }
            if threadFinished || status.state.isFinal { return nil }
            if !condition.wait(until: deadline) { return slot.take(after: sequence) }
        }
    }

    /// Sleeps up to `seconds` on the reading thread; false (at once) when a stop is requested.
    func sleep(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !interrupt.isStopRequested {
            if !condition.wait(until: deadline) { return !interrupt.isStopRequested }
        }
        return false
    }

    /// Asks the reading thread to stop and wakes everything that waits.
    func requestStop() {
        interrupt.requestStop()
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// The reading thread has returned; a non-final state becomes `.stopped`.
    func markThreadFinished() {
        condition.lock()
        threadFinished = true
        if !status.state.isFinal { status.state = .stopped }
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until `markThreadFinished()`.
    func waitUntilThreadFinished() {
        condition.lock()
        while !threadFinished { condition.wait() }
        condition.unlock()
    }
}
