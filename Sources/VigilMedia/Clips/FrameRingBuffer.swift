import Foundation

/// Keeps the most recent RGB frames a caller appended, for encode-mode clips: the frames of the
/// last `preRoll` seconds plus the last one at or before that window.
///
/// Frames are kept by reference (a `Frame`'s pixel array is copy-on-write, so appending copies
/// nothing); `byteLimit` bounds the pixel bytes held, dropping the oldest frames past it. A clip
/// writer reads by sequence number and pins what it has not read yet, as with `PacketRingBuffer`.
/// Thread-safe under one lock.
final class FrameRingBuffer: @unchecked Sendable {
    enum ReadResult {
        case frame(Frame, sequence: UInt64)
        case pending
        case evicted(oldest: UInt64?)
    }

    let preRoll: Double
    let byteLimit: Int
    private let lock = NSLock()
    private var frames: [Frame] = []
    /// Sequence of `frames[0]`, the oldest.
    private var headSequence: UInt64 = 1
    private var usedBytes = 0
    private var pinned: UInt64?
    private(set) var droppedFrames = 0

    init(preRoll: Double, byteLimit: Int) {
        self.preRoll = preRoll
        self.byteLimit = byteLimit
    }

    /// Number of frames held.
    var count: Int { lock.withLock { frames.count } }

    func append(_ frame: Frame) {
        lock.lock()
        defer { lock.unlock() }
        frames.append(frame)
        usedBytes += frame.pixels.count
        while usedBytes > byteLimit && frames.count > 1 {
            droppedFrames += 1
            removeOldest(1)
        }
        // The window: keep the last frame at or before `newest - preRoll`, and the pinned ones.
        let windowStart = frame.presentationTime - preRoll
        while frames.count > 1, frames[1].presentationTime <= windowStart,
              pinned.map({ headSequence + 1 <= $0 }) ?? true {
            removeOldest(1)
        }
    }

    /// Where a clip for an event at `time` starts (the last frame at or before it, else the oldest,
    /// else the next to come), pinned so the window keeps it.
    func pinClipStart(at time: Double) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        let index = frames.lastIndex { $0.presentationTime <= time } ?? 0
        pinned = headSequence + UInt64(index)
        return headSequence + UInt64(index)
    }

    /// The oldest frame held, else the next to come.
    var resumeSequence: UInt64 { lock.withLock { headSequence } }

    func pin(_ sequence: UInt64?) {
        lock.withLock { pinned = sequence }
    }

    func read(_ sequence: UInt64) -> ReadResult {
        lock.lock()
        defer { lock.unlock() }
        let end = headSequence + UInt64(frames.count)
        if sequence >= end { return .pending }
        guard sequence >= headSequence else { return .evicted(oldest: frames.isEmpty ? nil : headSequence) }
        if pinned != nil { pinned = sequence }
        return .frame(frames[Int(sequence - headSequence)], sequence: sequence)
    }

    /// Drops the oldest frame (a few hundred frames at most: shifting them is cheap).
    private func removeOldest(_ count: Int) {
        for index in 0..<count { usedBytes -= frames[index].pixels.count }
        frames.removeFirst(count)
        headSequence += UInt64(count)
    }
}
