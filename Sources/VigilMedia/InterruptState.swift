import CFFmpeg
import Foundation

/// What FFmpeg's interrupt callback consults: a stop request and the deadline of the current call.
///
/// FFmpeg polls the callback (`AVIOInterruptCB`) while it blocks in network or device I/O; a
/// non-zero answer makes the blocked call return `AVERROR_EXIT`. That is how `stop()` ends a read
/// promptly and how open and read timeouts work. The stop flag is set from any thread (locked);
/// the deadline is armed and read only on the reading thread.
final class InterruptState: @unchecked Sendable {
    private let lock = NSLock()
    private var stopRequested = false
    private var deadline: ContinuousClock.Instant?
    private var armedSeconds = 0.0
    /// True when the callback interrupted a call since the last `arm`.
    private(set) var fired = false
    /// True when that interruption came from the deadline, not from a stop.
    private(set) var timedOut = false

    /// Asks every blocked FFmpeg call to give up. Any thread.
    func requestStop() {
        lock.lock()
        stopRequested = true
        lock.unlock()
    }

    /// Whether `requestStop()` was called. Any thread.
    var isStopRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopRequested
    }

    /// Starts a deadline `seconds` from now for the next blocking call. Reading thread.
    func arm(seconds: Double) {
        armedSeconds = seconds
        deadline = .now + .seconds(seconds)
        fired = false
        timedOut = false
    }

    /// The interrupt callback's answer. Reading thread (inside FFmpeg calls).
    func shouldInterrupt() -> Bool {
        if isStopRequested {
            fired = true
            return true
        }
        if let deadline, ContinuousClock.now >= deadline {
            fired = true
            timedOut = true
            return true
        }
        return false
    }

    /// Text for an interrupted call: a timeout or a stop. (Some demuxers, RTSP among them, turn
    /// the interruption into another error code, so `fired` is what tells.)
    var interruptionReason: String {
        timedOut ? "timed out after \(armedSeconds.shortText) s" : "stopped"
    }

    /// The callback FFmpeg calls, with this object as its opaque pointer (not retained: the
    /// `FFmpegInput` that installs it keeps this object alive for the format context's life).
    func callback() -> AVIOInterruptCB {
        AVIOInterruptCB(callback: { opaque in
            guard let opaque else { return 0 }
            return Unmanaged<InterruptState>.fromOpaque(opaque).takeUnretainedValue().shouldInterrupt() ? 1 : 0
        }, opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}

extension Double {
    /// A short decimal form for messages: 10, 0.5, 2.25.
    var shortText: String {
        self == rounded() && abs(self) < 1e9 ? String(Int(self)) : String(format: "%.3g", self)
    }
}
