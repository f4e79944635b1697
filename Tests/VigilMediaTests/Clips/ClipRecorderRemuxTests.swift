import Foundation
import VigilMedia
import XCTest

/// An H.264 file read through `FrameSource` as fast as it decodes, its packets feeding a
/// `ClipRecorder`: the clip must be the source's own packets, from a keyframe, in a fast-start MP4.
final class ClipRecorderRemuxTests: XCTestCase {
    /// 20 s of 640x480 at 25 fps, a keyframe every second (GOP 25, no scene-cut keyframes).
    static let frameRate = 25.0
    static let gop = 25
    static var gopSeconds: Double { Double(gop) / frameRate }

    static func makeSource(in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent("source.mp4")
        try TestSupport.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=640x480:rate=25", "-t", "20",
                                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                                "-g", "\(gop)", "-keyint_min", "\(gop)", "-sc_threshold", "0", url.path])
        return url
    }

    func test_h264Source_clipIsTheSourcePacketsFromAKeyframe() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let video = try Self.makeSource(in: folder)
        let clips = folder.appendingPathComponent("clips")
        try FileManager.default.createDirectory(at: clips, withIntermediateDirectories: true)

        let collector = ClipCollector()
        let recorder = ClipRecorder(camera: "cam", directory: clips,
                                    configuration: ClipConfiguration(preRoll: 5, postRoll: 5)) { collector.record($0) }
        // The event is driven by the packets' presentation times on the reading thread itself, so
        // where the clip starts does not depend on how far ahead of a consumer the source runs.
        let trigger = EventTrigger(start: 10, end: 13, recorder: recorder)
        let source = FrameSource(spec: .file(path: video.path), options: SourceOptions(pacing: .asFastAsPossible),
                                 packetObserver: { packet in
            recorder.observe(packet)
            trigger.observe(presentationTime: packet.stream.timeBase.seconds(packet.pts ?? packet.dts ?? 0))
        })
        source.start()
        try TestSupport.waitUntil("the source to end") { source.status.state.isFinal }
        XCTAssertEqual(source.status.state, .ended)
        recorder.close()

        let clip = try collector.onlyClip()
        XCTAssertEqual(clip.mode, .remux)
        XCTAssertEqual(clip.codec, "h264")
        XCTAssertEqual(clip.eventIDs, ["event-1"])
        XCTAssertEqual(clip.dropped, 0)
        XCTAssertEqual(clip.url.lastPathComponent, "cam-event-1.mp4")
        XCTAssertEqual(clip.startTime, 5.0, accuracy: 1e-9, "the keyframe at 10 s - 5 s pre-roll")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: clips.path), ["cam-event-1.mp4"], "no .partial left")
        XCTAssertEqual(clip.bytes, try FileManager.default.attributesOfItem(atPath: clip.url.path)[.size] as? Int)

        // Not re-encoded: the clip's packets are a run of the source's, byte for byte.
        XCTAssertEqual(try ClipProbe.stream("codec_name", of: clip.url), "h264")
        let clipPackets = try ClipProbe.packets(of: clip.url)
        let sourcePackets = try ClipProbe.packets(of: video)
        XCTAssertEqual(clipPackets.count, clip.samples)
        XCTAssertEqual(clipPackets.first?.isKeyframe, true, "the clip starts on a keyframe")
        let first = try XCTUnwrap(sourcePackets.firstIndex { $0.md5 == clipPackets.first?.md5 })
        XCTAssertEqual(sourcePackets[first].ptsTime ?? -1, 5.0, accuracy: 1e-6)
        let run = sourcePackets[first..<min(first + clipPackets.count, sourcePackets.count)]
        XCTAssertEqual(run.map(\.md5), clipPackets.map(\.md5))
        XCTAssertEqual(run.map(\.size), clipPackets.map(\.size))

        // Pre-roll + event + post-roll (13 s), give or take a GOP since the clip starts on a keyframe.
        let expected = 5.0 + (13 - 10) + 5.0
        let duration = try ClipProbe.duration(of: clip.url)
        XCTAssertGreaterThanOrEqual(duration, expected - Self.gopSeconds)
        XCTAssertLessThanOrEqual(duration, expected + Self.gopSeconds + 0.1)
        XCTAssertEqual(clip.duration, duration, accuracy: 2 / Self.frameRate)

        // Fast start: the index (moov) comes before the media (mdat).
        let atoms = try ClipProbe.topLevelAtoms(of: clip.url)
        let moov = try XCTUnwrap(atoms.firstIndex(of: "moov"), "atoms: \(atoms)")
        let mdat = try XCTUnwrap(atoms.firstIndex(of: "mdat"), "atoms: \(atoms)")
        XCTAssertLessThan(moov, mdat, "atoms: \(atoms)")

        // No picture missing: the presentation times run one frame apart from start to end.
        let times = clipPackets.compactMap(\.ptsTime).sorted()
        XCTAssertEqual(times.count, clipPackets.count)
        let steps = zip(times.dropFirst(), times).map { $0 - $1 }
        XCTAssertTrue(steps.allSatisfy { abs($0 - 1 / Self.frameRate) < 1e-3 }, "gaps in \(times)")

        // Every frame decodes.
        XCTAssertEqual(try ClipProbe.decodingErrors(of: clip.url), "")
        XCTAssertEqual(try ClipProbe.decodedFrameCount(of: clip.url), clipPackets.count)

        XCTAssertEqual(ClipRecovery.scan(clips).clips.map(\.lastPathComponent), ["cam-event-1.mp4"])
    }

    func test_h265Source_isRemuxedTaggedForBrowsers() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let video = folder.appendingPathComponent("source.mp4")
        try TestSupport.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "4",
                                "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:keyint=25:min-keyint=25:scenecut=0",
                                "-pix_fmt", "yuv420p", video.path])
        let collector = ClipCollector()
        let recorder = ClipRecorder(camera: "cam", directory: folder,
                                    configuration: ClipConfiguration(preRoll: 1, postRoll: 1)) { collector.record($0) }
        let trigger = EventTrigger(start: 2, end: 2, recorder: recorder)
        let source = FrameSource(spec: .file(path: video.path), options: SourceOptions(pacing: .asFastAsPossible),
                                 packetObserver: { packet in
            recorder.observe(packet)
            trigger.observe(presentationTime: packet.stream.timeBase.seconds(packet.pts ?? packet.dts ?? 0))
        })
        source.start()
        try TestSupport.waitUntil("the source to end") { source.status.state.isFinal }
        recorder.close()

        let clip = try collector.onlyClip()
        XCTAssertEqual(clip.mode, .remux)
        XCTAssertEqual(clip.codec, "hevc")
        XCTAssertEqual(clip.startTime, 1.0, accuracy: 1e-9, "the keyframe at 2 s - 1 s pre-roll")
        XCTAssertEqual(try ClipProbe.stream("codec_name", of: clip.url), "hevc")
        XCTAssertEqual(try ClipProbe.stream("codec_tag_string", of: clip.url), "hvc1")
        XCTAssertEqual(try ClipProbe.packets(of: clip.url).first?.isKeyframe, true)
        XCTAssertEqual(try ClipProbe.decodingErrors(of: clip.url), "")
        XCTAssertEqual(try ClipProbe.decodedFrameCount(of: clip.url), clip.samples)
    }

    /// MPEG-TS carries H.264 as Annex B (start codes, parameter sets in band), as RTSP does; the
    /// MP4 needs length-prefixed samples and an avcC record, which the muxer derives.
    func test_annexBSource_remuxesToAPlayableMP4() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let video = folder.appendingPathComponent("source.ts")
        try TestSupport.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "4",
                                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                                "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", video.path])
        let collector = ClipCollector()
        let recorder = ClipRecorder(camera: "cam", directory: folder,
                                    configuration: ClipConfiguration(preRoll: 1, postRoll: 1)) { collector.record($0) }
        let trigger = EventTrigger(start: 2, end: 2, recorder: recorder)
        let origin = OriginBox()
        let source = FrameSource(spec: .file(path: video.path), options: SourceOptions(pacing: .asFastAsPossible),
                                 packetObserver: { packet in
            recorder.observe(packet)
            // The recorder's timeline starts at the first packet's pts (TS files start near 1.4 s).
            let seconds = packet.stream.timeBase.seconds(packet.pts ?? packet.dts ?? 0)
            trigger.observe(presentationTime: seconds - origin.first(seconds))
        })
        source.start()
        try TestSupport.waitUntil("the source to end") { source.status.state.isFinal }
        recorder.close()

        let clip = try collector.onlyClip()
        XCTAssertEqual(clip.codec, "h264")
        XCTAssertEqual(clip.startTime, 1.0, accuracy: 1e-6)
        let packets = try ClipProbe.packets(of: clip.url)
        XCTAssertEqual(packets.first?.isKeyframe, true)
        XCTAssertEqual(try ClipProbe.decodingErrors(of: clip.url), "")
        XCTAssertEqual(try ClipProbe.decodedFrameCount(of: clip.url), clip.samples)
        // Pre-roll + post-roll (2 s), plus at most a GOP (the clip ends on a complete picture
        // sequence, which with B-frames may run a few frames past the stop).
        let duration = try ClipProbe.duration(of: clip.url)
        XCTAssertGreaterThanOrEqual(duration, 2.0)
        XCTAssertLessThanOrEqual(duration, 2.0 + 1.0)
    }
}

/// Starts and ends one event when the source's timeline passes two times.
final class EventTrigger: @unchecked Sendable {
    private let lock = NSLock()
    private let start: Double
    private let end: Double
    private let recorder: ClipRecorder
    private var started = false
    private var ended = false

    init(start: Double, end: Double, recorder: ClipRecorder) {
        self.start = start
        self.end = end
        self.recorder = recorder
    }

    func observe(presentationTime time: Double) {
        lock.lock()
        defer { lock.unlock() }
        if !started && time >= start {
            started = true
            recorder.startClip(eventID: "event-1", at: start)
        }
        if started && !ended && time >= end {
            ended = true
            recorder.endClip(at: end)
        }
    }
}

/// The first value it was given.
final class OriginBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double?

    func first(_ candidate: Double) -> Double {
        lock.withLock {
            if value == nil { value = candidate }
            return value!
        }
    }
}
