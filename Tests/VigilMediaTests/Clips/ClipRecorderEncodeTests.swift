import Foundation
import VigilMedia
import XCTest

/// An MJPEG AVI read through `FrameSource`; a consumer appends every decoded frame to a
/// `ClipRecorder`, which encodes the clip with libx264.
final class ClipRecorderEncodeTests: XCTestCase {
    static let frameRate = 25.0

    func test_mjpegSource_clipIsEncodedToH264() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let video = folder.appendingPathComponent("source.avi")
        try TestSupport.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "20",
                                "-c:v", "mjpeg", "-q:v", "5", video.path])
        let clips = folder.appendingPathComponent("clips")
        try FileManager.default.createDirectory(at: clips, withIntermediateDirectories: true)

        let collector = ClipCollector()
        // Room for the whole source, so a writer that lags the consumer never loses a frame.
        let configuration = ClipConfiguration(preRoll: 5, postRoll: 5, bufferByteLimit: 256 << 20)
        let recorder = ClipRecorder(camera: "cam", directory: clips, configuration: configuration) { collector.record($0) }
        // The reader waits for the consumer before each packet, so the consumer sees every frame
        // (the source only keeps the newest) however the threads are scheduled.
        let lockstep = Lockstep()
        let source = FrameSource(spec: .file(path: video.path), options: SourceOptions(pacing: .asFastAsPossible),
                                 packetObserver: { packet in
            recorder.observe(packet)
            lockstep.packetArrived()
        })
        source.start()
        defer { lockstep.cancel(); source.stop() }

        var last: UInt64 = 0
        var started = false, ended = false
        while let frame = source.next(after: last, timeout: 30) {
            XCTAssertEqual(frame.sequence, last + 1, "a frame was skipped")
            last = frame.sequence
            recorder.append(frame)
            if !started && frame.presentationTime >= 10 {
                started = true
                recorder.startClip(eventID: "motion", at: frame.presentationTime)
            }
            if started && !ended && frame.presentationTime >= 13 {
                ended = true
                recorder.endClip(at: frame.presentationTime)
            }
            lockstep.frameTaken()
        }
        XCTAssertEqual(source.status.state, .ended)
        XCTAssertEqual(last, 500)
        recorder.close()

        let clip = try collector.onlyClip()
        XCTAssertEqual(recorder.status.mode, .encode)
        XCTAssertEqual(clip.mode, .encode)
        XCTAssertEqual(clip.codec, "h264")
        XCTAssertEqual(clip.dropped, 0)
        XCTAssertEqual(try ClipProbe.stream("codec_name", of: clip.url), "h264")
        XCTAssertEqual(try ClipProbe.stream("pix_fmt", of: clip.url), "yuv420p")

        // Frames from 5 s (10 - pre-roll) up to 18 s (13 + post-roll), exclusive: 13 s, 325 frames.
        let expectedFrames = Int(((13.0 + 5) - (10 - 5)) * Self.frameRate)
        XCTAssertEqual(clip.samples, expectedFrames)
        XCTAssertEqual(clip.startTime, 5.0, accuracy: 1e-6)
        let duration = try ClipProbe.duration(of: clip.url)
        XCTAssertEqual(duration, 13.0, accuracy: 2 / Self.frameRate)

        let packets = try ClipProbe.packets(of: clip.url)
        XCTAssertEqual(packets.first?.isKeyframe, true)
        XCTAssertEqual(packets.filter(\.isKeyframe).count, 13, "a keyframe every second (GOP = frame rate)")
        let atoms = try ClipProbe.topLevelAtoms(of: clip.url)
        XCTAssertLessThan(try XCTUnwrap(atoms.firstIndex(of: "moov")), try XCTUnwrap(atoms.firstIndex(of: "mdat")))
        XCTAssertEqual(try ClipProbe.decodingErrors(of: clip.url), "")
        XCTAssertEqual(try ClipProbe.decodedFrameCount(of: clip.url), expectedFrames)
    }
}

/// Holds a source's reading thread at each packet until the consumer took the previous frame
/// (MJPEG: one packet is one frame, decoded at once). Waits are bounded so a failing test ends.
final class Lockstep: @unchecked Sendable {
    private let condition = NSCondition()
    private var packets = 0
    private var frames = 0
    private var cancelled = false

    func packetArrived() {
        condition.lock()
        defer { condition.unlock() }
        packets += 1
        let deadline = Date(timeIntervalSinceNow: 60)
        while frames < packets - 1 && !cancelled {
            if !condition.wait(until: deadline) { return }
        }
    }

    func frameTaken() {
        condition.withLock { frames += 1; condition.broadcast() }
    }

    func cancel() {
        condition.withLock { cancelled = true; condition.broadcast() }
    }
}
