import Foundation
import Logging

/// The writer thread: follows the open clip through the buffers, writes it, and finalizes it.
extension ClipRecorderCore {
    /// What the writer knows about the clip it is writing.
    private final class Job {
        let clip: ClipSchedule.Clip
        var cursor: UInt64
        var sink: ClipSink?
        var generation: Int?
        var dropped = 0
        /// The largest pts written: a packet above it is an anchor (see `ClipSchedule`).
        var largestPTS: Int64?

        init(clip: ClipSchedule.Clip, cursor: UInt64) {
            self.clip = clip
            self.cursor = cursor
        }
    }

    /// Runs until `close()`: waits for work, then writes whatever the open clip has available.
    func runWriter() {
        let bytes = PacketBytes()
        var job: Job?
        while true {
            condition.lock()
            while !hasWork { condition.wait() }
            hasWork = false
            let closing = isClosing
            condition.unlock()
            drain(&job, bytes: bytes, closing: closing)
            if closing { break }
        }
        condition.lock()
        writerFinished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Writes items of the open clip until none is available; when `closing`, then finalizes it.
    private func drain(_ job: inout Job?, bytes: PacketBytes, closing: Bool) {
        while true {
            condition.lock()
            guard let clip = schedule.open else { condition.unlock(); return }
            guard let mode else {
                condition.unlock()
                if closing { finalize(&job, mode: nil, because: "the recorder closed before any video arrived") }
                return
            }
            if job?.clip.number != clip.number {
                let from = clip.eventStart - configuration.preRoll
                let start = clip.startSequence ?? (mode == .remux ? packets.pinClipStart(at: from) : frames.pinClipStart(at: from))
                job = Job(clip: clip, cursor: start)
            }
            condition.unlock()
            let current = job!
            let progressed = switch mode {
            case .remux: writePacket(current, bytes: bytes)
            case .encode: writeFrame(current)
            }
            if progressed { continue }
            if closing { finalize(&job, mode: mode, because: nil) } else { return }
        }
    }

    /// Handles the packet at the cursor; false when it has not arrived yet.
    private func writePacket(_ job: Job, bytes: PacketBytes) -> Bool {
        switch packets.read(job.cursor, into: bytes) {
        case .pending:
            return false
        case .evicted:
            let resume = packets.resumeSequence
            job.dropped += Int(resume - job.cursor)
            logger.warning("Clip writer fell behind; skipped to the next keyframe",
                           metadata: ["clip": "\(job.clip.url.path)", "packets": "\(resume - job.cursor)"])
            job.cursor = resume
            return true
        case .packet(let packet):
            if let generation = job.generation, generation != packet.generation {
                logger.warning("Source stream changed; clip ends early", metadata: ["clip": "\(job.clip.url.path)"])
                var closing: Job? = job
                finalize(&closing, mode: .remux, because: nil)
                return true
            }
            let isAnchor = job.largestPTS.map { packet.pts > $0 } ?? true
            guard decide(job, itemAt: packet.decodeTime, isAnchor: isAnchor) else { return true }
            do {
                if job.sink == nil {
                    guard let stream = packets.stream, let step = packets.frameStep else { return true }
                    job.sink = try RemuxClipSink(url: job.clip.url, stream: stream, first: packet, stepTicks: step.ticks)
                    job.generation = packet.generation
                }
                try (job.sink as! RemuxClipSink).write(packet, bytes: bytes)
                job.largestPTS = max(job.largestPTS ?? packet.pts, packet.pts)
                job.cursor += 1
            } catch {
                fail(job, error)
            }
            return true
        }
    }

    /// Handles the frame at the cursor; false when it has not arrived yet.
    private func writeFrame(_ job: Job) -> Bool {
        switch frames.read(job.cursor) {
        case .pending:
            return false
        case .evicted(let oldest):
            let resume = oldest ?? frames.resumeSequence
            job.dropped += Int(resume - job.cursor)
            logger.warning("Clip writer fell behind; frames dropped",
                           metadata: ["clip": "\(job.clip.url.path)", "frames": "\(resume - job.cursor)"])
            job.cursor = resume
            return true
        case .frame(let frame, _):
            guard decide(job, itemAt: frame.presentationTime) else { return true }
            do {
                if job.sink == nil {
                    let rate = condition.withLock { statedFrameRate } ?? configuration.encoder.fallbackFrameRate
                    job.sink = try EncodeClipSink(url: job.clip.url, first: frame, frameRate: rate,
                                                  settings: configuration.encoder)
                }
                try (job.sink as! EncodeClipSink).write(frame)
                job.cursor += 1
            } catch {
                fail(job, error)
            }
            return true
        }
    }

    /// Asks the schedule about the next item; when the clip ends before it, finalizes the clip and
    /// returns false.
    private func decide(_ job: Job, itemAt time: Double, isAnchor: Bool = true) -> Bool {
        let disposition = condition.withLock { schedule.disposition(ofItemAt: time, isAnchor: isAnchor) }
        guard disposition == .finish else { return disposition == .write }
        var closing: Job? = job
        finalize(&closing, mode: nil, because: nil)
        return false
    }

    /// A write failed: the clip is abandoned (its `.partial` removed) and reported as failed.
    private func fail(_ job: Job, _ error: ClipError) {
        job.sink?.discard()
        job.sink = nil
        var closing: Job? = job
        finalize(&closing, mode: nil, because: nil, error: error)
    }

    /// Closes the open clip in the schedule, finishes its file and reports it.
    private func finalize(_ job: inout Job?, mode: ClipResult.Mode?, because reason: String?, error: ClipError? = nil) {
        condition.lock()
        let clip = schedule.finishOpenClip()
        packets.pin(nil)
        frames.pin(nil)
        condition.unlock()
        defer { job = nil }
        guard let clip else { return }
        let result: Result<ClipResult, ClipError>
        if let error {
            result = .failure(error)
        } else if let sink = job?.sink, job?.clip.number == clip.number {
            do {
                let summary = try sink.finish()
                result = .success(ClipResult(url: clip.url, eventIDs: clip.eventIDs, startTime: summary.startTime,
                                             endTime: summary.endTime, bytes: summary.bytes, codec: summary.codec,
                                             mode: summary.mode, samples: summary.samples, dropped: job?.dropped ?? 0))
            } catch {
                result = .failure(error)
            }
        } else {
            result = .failure(ClipError(path: clip.url.path, operation: "record",
                                        reason: reason ?? "no video arrived while the clip was open"))
        }
        condition.withLock {
            switch result {
            case .success: clipsWritten += 1
            case .failure: clipsFailed += 1
            }
        }
        switch result {
        case .success(let clip):
            logger.info("Clip written", metadata: [
                "clip": "\(clip.url.path)", "mode": "\(clip.mode.rawValue)", "seconds": "\(clip.duration)",
                "bytes": "\(clip.bytes)", "dropped": "\(clip.dropped)"])
        case .failure(let error):
            logger.error("Clip failed: \(error)")
        }
        onClip?(result)
    }
}
