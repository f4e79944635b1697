import Foundation
import VigilMedia
import XCTest

/// Video files made by the ffmpeg CLI, read as fast as possible, looped, paced and observed.
final class FileSourceTests: XCTestCase {
    /// Largest per-channel difference allowed against the CLI's reference frames. Both decode with
    /// the same libavcodec and convert with the same swscale flags and colour details, and agree
    /// exactly on this machine (measured 0 for H.264, MJPEG and the 224x224 scale); 1 level allows
    /// for swscale choosing another rounding path for our unpadded, possibly unaligned rows. A
    /// wrong range or matrix would differ by 10-40 levels.
    static let pixelTolerance = 1

    private func readToEnd(_ source: FrameSource, file: StaticString = #filePath, line: UInt = #line) throws -> Frame? {
        source.start()
        try TestSupport.waitUntil("the source to finish") { source.status.state.isFinal }
        return source.next(after: 0, timeout: 0)
    }

    func test_h264File_decodesEveryFrameMatchingTheCLI() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let video = try TestVideos.h264(in: folder)
        let reference = try TestVideos.referenceFrames(of: video, in: folder)
        XCTAssertEqual(reference.count, TestVideos.frameCount)

        let source = FrameSource(spec: .file(path: video.path), options: SourceOptions(pacing: .asFastAsPossible))
        let last = try XCTUnwrap(try readToEnd(source))
        let status = source.status
        XCTAssertEqual(status.state, .ended)
        XCTAssertEqual(status.framesRead, UInt64(TestVideos.frameCount))
        XCTAssertEqual(last.sequence, UInt64(TestVideos.frameCount))
        XCTAssertEqual(last.width, TestVideos.width)
        XCTAssertEqual(last.height, TestVideos.height)
        XCTAssertEqual(last.presentationTime, 49.0 / 25, accuracy: 1e-6)
        XCTAssertLessThanOrEqual(TestVideos.maxAbsoluteDifference(last.pixels, reference[49]), Self.pixelTolerance)
        XCTAssertEqual(status.stream?.codecName, "h264")
    }

    func test_mjpegFile_decodesFullRangeMatchingTheCLI() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let video = try TestVideos.mjpeg(in: folder)
        let reference = try TestVideos.referenceFrames(of: video, in: folder)

        let source = FrameSource(spec: .file(path: video.path), options: SourceOptions(pacing: .asFastAsPossible))
        let last = try XCTUnwrap(try readToEnd(source))
        XCTAssertEqual(source.status.framesRead, UInt64(TestVideos.frameCount))
        XCTAssertEqual(source.status.stream?.codecName, "mjpeg")
        XCTAssertLessThanOrEqual(TestVideos.maxAbsoluteDifference(last.pixels, reference[reference.count - 1]), Self.pixelTolerance)
    }

    func test_outputSize_scalesLikeTheCLI() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let video = try TestVideos.h264(in: folder)
        let reference = try TestVideos.referenceFrames(of: video, in: folder, size: (224, 224))

        let options = SourceOptions(pacing: .asFastAsPossible, outputSize: FrameSize(width: 224, height: 224))
        let last = try XCTUnwrap(try readToEnd(FrameSource(spec: .file(path: video.path), options: options)))
        XCTAssertEqual(last.width, 224)
        XCTAssertEqual(last.height, 224)
        XCTAssertLessThanOrEqual(TestVideos.maxAbsoluteDifference(last.pixels, reference[reference.count - 1]), Self.pixelTolerance)
    }

    func test_loop_deliversMoreFramesThanTheFileHolds() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let video = try TestVideos.h264(in: folder)
        let source = FrameSource(spec: .file(path: video.path), options: SourceOptions(loop: true, pacing: .asFastAsPossible))
        source.start()
        defer { source.stop() }
        try TestSupport.waitUntil("a second pass") { source.status.framesRead > UInt64(TestVideos.frameCount + 10) }
        let frame = try XCTUnwrap(source.next(after: UInt64(TestVideos.frameCount), timeout: 30))
        XCTAssertGreaterThan(frame.presentationTime, 2.0 - 1e-6, "the timeline continues across the loop")
        XCTAssertEqual(source.status.state, .streaming)
        source.stop()
        XCTAssertEqual(source.status.state, .stopped)
    }

    func test_packetObserver_countsKeyframes() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let video = try TestVideos.h264(in: folder)
        let counter = PacketCounter()
        let source = FrameSource(spec: .file(path: video.path), options: SourceOptions(pacing: .asFastAsPossible),
                                 packetObserver: { counter.record($0) })
        _ = try readToEnd(source)
        XCTAssertEqual(counter.packets, TestVideos.frameCount)
        XCTAssertEqual(counter.keyframes, 2, "-g 25 over 50 frames")
        XCTAssertEqual(counter.codecName, "h264")
        XCTAssertGreaterThan(counter.extradataSize, 0, "MP4 H.264 carries an avcC record")
    }

    func test_realTimePacing_followsTimestamps() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let video = try TestVideos.h264(in: folder)
        let source = FrameSource(spec: .file(path: video.path))  // default: real time
        source.start()
        defer { source.stop() }
        var frames: [Frame] = []
        var last: UInt64 = 0
        while let frame = source.next(after: last, timeout: 30) {
            frames.append(frame)
            last = frame.sequence
        }
        XCTAssertEqual(source.status.state, .ended)
        let first = try XCTUnwrap(frames.first), final = try XCTUnwrap(frames.last)
        XCTAssertEqual(final.sequence, UInt64(TestVideos.frameCount))
        // Consecutive frames are 1/25 s apart on the source timeline...
        for (a, b) in zip(frames, frames.dropFirst()) {
            XCTAssertEqual(b.presentationTime - a.presentationTime, Double(b.sequence - a.sequence) / 25, accuracy: 1e-6)
        }
        // ...and pacing never delivers a frame before its time (a lower bound: load only delays).
        let wall = final.capturedInstant - first.capturedInstant
        XCTAssertGreaterThanOrEqual(wall, .seconds(final.presentationTime - first.presentationTime) - .milliseconds(2))
    }

    func test_slowConsumer_getsTheNewestFrameAndDropsAreCounted() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let video = try TestVideos.h264(in: folder)
        let source = FrameSource(spec: .file(path: video.path))  // real time: 2 s of frames
        source.start()
        defer { source.stop() }
        var taken: [UInt64] = []
        var last: UInt64 = 0
        while let frame = source.next(after: last, timeout: 30) {
            taken.append(frame.sequence)
            last = frame.sequence
            // Be slow without sleeping: let the source decode three more frames first.
            try TestSupport.waitUntil("three more frames") {
                source.status.framesRead >= frame.sequence + 3 || source.status.state.isFinal
            }
        }
        XCTAssertEqual(taken, taken.sorted())
        XCTAssertEqual(taken.last, UInt64(TestVideos.frameCount), "the last frame stays until taken")
        XCTAssertTrue(zip(taken, taken.dropFirst()).dropLast().allSatisfy { $1 - $0 >= 2 }, "gaps before the end: \(taken)")
        let gaps = zip([0] + taken, taken).reduce(UInt64(0)) { $0 + ($1.1 - $1.0 - 1) }
        XCTAssertEqual(source.status.framesDropped, gaps)
        XCTAssertEqual(source.status.framesRead, UInt64(taken.count) + gaps)
    }

    func test_stop_isPromptAndIdempotent() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let video = try TestVideos.h264(in: folder)
        let source = FrameSource(spec: .file(path: video.path), options: SourceOptions(loop: true))
        source.start()
        XCTAssertNotNil(source.next(after: 0, timeout: 30))
        source.stop()
        source.stop()
        XCTAssertEqual(source.status.state, .stopped)
        XCTAssertNil(source.next(after: source.status.framesRead, timeout: 30), "a stopped source answers at once")
    }
}

/// Counts packets seen by a packet observer (called on the reading thread).
final class PacketCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = (packets: 0, keyframes: 0)
    private var stream: (codec: String, extradata: Int)?

    func record(_ packet: EncodedPacket) {
        lock.lock()
        counts.packets += 1
        if packet.isKeyframe { counts.keyframes += 1 }
        stream = (packet.stream.codecName, packet.stream.extradata.count)
        lock.unlock()
    }

    var packets: Int { lock.lock(); defer { lock.unlock() }; return counts.packets }
    var keyframes: Int { lock.lock(); defer { lock.unlock() }; return counts.keyframes }
    var codecName: String? { lock.lock(); defer { lock.unlock() }; return stream?.codec }
    var extradataSize: Int { lock.lock(); defer { lock.unlock() }; return stream?.extradata ?? 0 }
}
