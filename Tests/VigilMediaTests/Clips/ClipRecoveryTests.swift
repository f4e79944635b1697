import Foundation
@testable import VigilMedia
import XCTest

/// A clip abandoned mid-way (as by a crash) leaves only a `.partial`, which recovery removes.
final class ClipRecoveryTests: XCTestCase {
    /// 2 s of 64x48 gradient frames at 25 fps.
    private func frames() -> [Frame] {
        (0..<50).map { index in
            let pixels = (0..<(64 * 48 * 3)).map { UInt8(truncatingIfNeeded: $0 + index * 5) }
            return Frame(width: 64, height: 48, pixels: pixels, sequence: UInt64(index + 1),
                         presentationTime: Double(index) / 25)
        }
    }

    private func startWriting(_ url: URL) throws -> (H264FrameEncoder, MP4ClipWriter) {
        let encoder = try H264FrameEncoder(width: 64, height: 48, frameRate: 25,
                                           settings: ClipConfiguration.Encoder(), path: url.path)
        let writer = try MP4ClipWriter(url: url, timeBase: H264FrameEncoder.timeBase, frameRate: nil) { parameters throws(ClipError) in
            try encoder.configure(parameters)
        }
        for frame in frames() { try encoder.encode(frame, at: frame.presentationTime, into: writer) }
        return (encoder, writer)
    }

    func test_abandonedClip_leavesOnlyAPartialThatScanRemoves() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let good = folder.appendingPathComponent("cam-good.mp4")
        let (goodEncoder, goodWriter) = try startWriting(good)
        try goodEncoder.finish(into: goodWriter)
        XCTAssertGreaterThan(try goodWriter.finish(), 0)

        let crashed = folder.appendingPathComponent("cam-crashed.mp4")
        let (_, writer) = try startWriting(crashed)
        let partial = URL(fileURLWithPath: crashed.path + ".partial")
        XCTAssertTrue(FileManager.default.fileExists(atPath: partial.path), "written under the .partial name")
        writer.abandon()  // what a crash leaves: no trailer, no moov
        XCTAssertTrue(FileManager.default.fileExists(atPath: partial.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: crashed.path), "never under the final name")
        XCTAssertFalse(try ClipProbe.topLevelAtoms(of: partial).contains("moov"))

        let report = ClipRecovery.scan(folder)
        XCTAssertEqual(report.clips.map(\.lastPathComponent), ["cam-good.mp4"], "the partial is never listed as a clip")
        XCTAssertEqual(report.removedPartials.map(\.lastPathComponent), ["cam-crashed.mp4.partial"])
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["cam-good.mp4"])
        XCTAssertEqual(try ClipProbe.decodingErrors(of: good), "")
    }

    func test_recorderClosedMidClip_finalizesWhatArrived() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let collector = ClipCollector()
        let recorder = ClipRecorder(camera: "cam", directory: folder, configuration: ClipConfiguration(mode: .encode)) {
            collector.record($0)
        }
        for frame in frames() { recorder.append(frame) }
        XCTAssertEqual(recorder.startClip(eventID: "e", at: 1.0)?.lastPathComponent, "cam-e.mp4")
        recorder.close()  // the event never ended
        let clip = try collector.onlyClip()
        XCTAssertEqual(clip.samples, 50, "the whole 2 s: pre-roll back to 0 s and every frame after the start")
        XCTAssertEqual(ClipRecovery.scan(folder).clips, [clip.url])
        XCTAssertNil(recorder.startClip(eventID: "late", at: 3), "a closed recorder starts nothing")
    }

    func test_clipWithoutVideo_failsNamingThePath() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let collector = ClipCollector()
        let recorder = ClipRecorder(camera: "cam", directory: folder) { collector.record($0) }
        recorder.startClip(eventID: "e", at: 0)
        recorder.close()
        guard case .failure(let error) = collector.results.first else { return XCTFail("\(collector.results)") }
        XCTAssertEqual(error.path, folder.appendingPathComponent("cam-e.mp4").path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }

    func test_unwritableDirectory_reportsFFmpegsReason() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let missing = folder.appendingPathComponent("missing/cam-e.mp4")
        XCTAssertThrowsError(try MP4ClipWriter(url: missing, timeBase: H264FrameEncoder.timeBase, frameRate: nil) { _ throws(ClipError) in }) { error in
            let error = error as? ClipError
            XCTAssertEqual(error?.path, missing.path)
            XCTAssertEqual(error?.reason, "No such file or directory")
        }
    }
}
