import Foundation
import VigilCore

/// A snapshot of one camera: whether frames flow, how fast, and what went wrong last.
public struct CameraStatus: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        /// Opening the source for the first time.
        case connecting
        /// Frames are arriving.
        case streaming
        /// The source failed; the next attempt is scheduled (backoff).
        case reconnecting
        /// A file or folder played once and finished.
        case ended
        /// The source can never work as configured (a missing file); see `lastError`.
        case failed
        /// The pipeline was stopped.
        case stopped
    }

    public var camera: String
    /// The source, credentials removed.
    public var source: String
    public var model: String
    public var state: State = .connecting
    public var lastError: String?
    /// Frames decoded by the source.
    public var framesRead: UInt64 = 0
    /// Frames scored by the model.
    public var framesScored: UInt64 = 0
    /// Frames not scored: overwritten in the source before the pipeline took them, or skipped by the sampler.
    public var framesDropped: UInt64 = 0
    /// Frames whose scoring failed (remote endpoint down, model error).
    public var scoringFailures: UInt64 = 0
    public var reconnects: UInt64 = 0
    /// Frames per second decoded and scored, over the last few seconds.
    public var inputFPS: Double = 0
    public var outputFPS: Double = 0
    /// Seconds the last scoring took.
    public var lastScoringSeconds: Double = 0
    public var lastFrameAt: Date?

    public init(camera: String, source: String, model: String) {
        self.camera = camera
        self.source = source
        self.model = model
    }

    /// `{camera, source, model, state, ...}` for `<prefix>/<camera>/status` and the dashboard.
    public func json() -> String {
        func number(_ value: Double) -> String { String(format: "%.2f", value) }
        var out = "{\"camera\":\(jsonString(camera)),\"source\":\(jsonString(source)),\"model\":\(jsonString(model))"
        out += ",\"state\":\(jsonString(state.rawValue))"
        out += ",\"lastError\":" + (lastError.map(jsonString) ?? "null")
        out += ",\"framesRead\":\(framesRead),\"framesScored\":\(framesScored),\"framesDropped\":\(framesDropped)"
        out += ",\"scoringFailures\":\(scoringFailures),\"reconnects\":\(reconnects)"
        out += ",\"inputFps\":\(number(inputFPS)),\"outputFps\":\(number(outputFPS))"
        out += ",\"lastScoringMs\":\(number(lastScoringSeconds * 1000))"
        out += ",\"lastFrameAt\":" + (lastFrameAt.map { jsonString(ScoredFrame.iso8601($0)) } ?? "null")
        return out + "}"
    }
}

private func jsonString(_ text: String) -> String { JSONText.string(text) }

/// Events per second over a sliding window of a few seconds.
struct RateMeter: Sendable {
    private var windowStart: Double?
    private var count: UInt64 = 0
    private(set) var rate: Double = 0
    let window: Double

    init(window: Double = 2) { self.window = window }

    mutating func record(at time: Double, events: UInt64 = 1) {
        guard let start = windowStart else { windowStart = time; count = 0; return }
        count += events
        let elapsed = time - start
        if elapsed >= window {
            rate = Double(count) / elapsed
            windowStart = time
            count = 0
        }
    }
}
