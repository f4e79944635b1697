import Foundation
import VigilMedia
import XCTest

/// A folder of PNG and JPEG images written by the ffmpeg CLI.
final class ImageFolderSourceTests: XCTestCase {
    func test_folder_deliversEveryImageInNameOrder() throws {
        let folder = try TestSupport.temporaryFolder(self)
        // Five solid colours whose red channel tells them apart; names sort in a different order
        // from the order they are written, and a text file is ignored.
        let colours = [("c.png", "0x400000"), ("a.png", "0x000000"), ("e.jpg", "0x800000"), ("b.jpeg", "0x200000"), ("d.bmp", "0x600000")]
        for (name, colour) in colours {
            try TestSupport.ffmpeg(["-f", "lavfi", "-i", "color=c=\(colour):size=64x48", "-frames:v", "1",
                                    folder.appendingPathComponent(name).path])
        }
        try Data("not an image".utf8).write(to: folder.appendingPathComponent("notes.txt"))

        let spec = try SourceSpec(parsing: folder.path)
        XCTAssertEqual(spec, .imageFolder(path: folder.path))
        let source = FrameSource(spec: spec, options: SourceOptions(imageFolderFrameRate: 10))  // real time, 10 fps
        source.start()
        defer { source.stop() }
        var reds: [Int] = []
        var sequences: [UInt64] = []
        var last: UInt64 = 0
        while let frame = source.next(after: last, timeout: 30) {
            XCTAssertEqual(frame.width, 64)
            XCTAssertEqual(frame.height, 48)
            reds.append(Int(frame.pixels[(24 * 64 + 32) * 3]))
            sequences.append(frame.sequence)
            XCTAssertEqual(frame.presentationTime, Double(frame.sequence - 1) / 10, accuracy: 1e-9, "i / imageFolderFrameRate")
            last = frame.sequence
        }
        XCTAssertEqual(source.status.state, .ended)
        XCTAssertEqual(source.status.framesRead, 5)
        // Image i (in name order a, b, c, d, e) has red 0x20·i; JPEG is lossy, so allow 8 levels.
        // A consumer on a loaded machine may miss an image (latest-frame semantics), so each
        // frame it took is checked against its own sequence; the last one always stays.
        XCTAssertEqual(sequences.last, 5)
        for (sequence, red) in zip(sequences, reds) {
            XCTAssertEqual(Double(red), Double(0x20 * (Int(sequence) - 1)), accuracy: 8, "image \(sequence) of \(sequences)")
        }
    }

    func test_emptyFolder_failsNamingTheFolder() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let source = FrameSource(spec: .imageFolder(path: folder.path))
        source.start()
        try TestSupport.waitUntil("the source to fail") { source.status.state.isFinal }
        guard case .failed(let message) = source.status.state else { return XCTFail("\(source.status.state)") }
        XCTAssertTrue(message.contains(folder.path), message)
        XCTAssertTrue(message.contains("no images"), message)
    }
}
