import Foundation
import XCTest

/// Test videos made with the ffmpeg CLI, and reference frames decoded by it.
enum TestVideos {
    /// swscale flags of the reference frames: the same as `RGBConverter.flags`.
    static let swsFlags = "bicubic+accurate_rnd+full_chroma_int"
    static let width = 320
    static let height = 240
    /// 2 s at 25 fps.
    static let frameCount = 50

    /// An H.264 MP4 of `testsrc2`: 50 frames, a keyframe every 25.
    static func h264(in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent("testsrc2.mp4")
        try TestSupport.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=\(width)x\(height):rate=25", "-t", "2",
                                "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "25", "-keyint_min", "25",
                                "-sc_threshold", "0", url.path])
        return url
    }

    /// An MJPEG AVI of `testsrc2` (full-range yuvj420p inside), 50 frames.
    static func mjpeg(in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent("testsrc2.avi")
        try TestSupport.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=\(width)x\(height):rate=25", "-t", "2",
                                "-c:v", "mjpeg", "-q:v", "3", url.path])
        return url
    }

    /// Every frame of `video` as the ffmpeg CLI decodes it to RGB24 with `swsFlags`.
    static func referenceFrames(of video: URL, in folder: URL, size: (Int, Int)? = nil) throws -> [[UInt8]] {
        let raw = folder.appendingPathComponent(video.lastPathComponent + ".rgb")
        var arguments = ["-i", video.path, "-sws_flags", swsFlags, "-vsync", "passthrough"]
        if let size { arguments += ["-vf", "scale=\(size.0):\(size.1)"] }
        try TestSupport.ffmpeg(arguments + ["-f", "rawvideo", "-pix_fmt", "rgb24", raw.path])
        let bytes = [UInt8](try Data(contentsOf: raw))
        let frameBytes = (size?.0 ?? width) * (size?.1 ?? height) * 3
        return stride(from: 0, to: bytes.count, by: frameBytes).map { Array(bytes[$0..<min($0 + frameBytes, bytes.count)]) }
    }

    /// The largest absolute difference between two equally long byte buffers.
    static func maxAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        precondition(a.count == b.count, "sizes differ: \(a.count) vs \(b.count)")
        var worst = 0
        for i in a.indices { worst = max(worst, abs(Int(a[i]) - Int(b[i]))) }
        return worst
    }
}
