import Foundation
import VigilTestSupport
import XCTest

/// Videos of the demo scenes made with the ffmpeg CLI, and helpers to run commands.
enum RoleFixtures {
    static let frameCount = 40
    static let demoModel = SharedAssets.packageRoot.appendingPathComponent("demo/model")
    /// Scaler flags for reference frames: VigilMedia converts with the same, so frames match exactly.
    static let swsFlags = "bicubic+accurate_rnd+full_chroma_int"

    static func requireTools(_ names: [String] = ["ffmpeg", "mosquitto", "mosquitto_sub", "mosquitto_pub"]) throws {
        for name in names where which(name) == nil {
            throw XCTSkip("\(name) is not installed (`make test` installs ffmpeg, mosquitto and mosquitto-clients)")
        }
    }

    static func which(_ name: String) -> URL? { Command.which(name) }

    /// Runs a command to completion; throws with its output when it fails.
    @discardableResult
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        try Command.run(executable, arguments, environment: environment)
    }

    static func ffmpeg(_ arguments: [String]) throws {
        try run(which("ffmpeg")!, ["-loglevel", "error", "-y"] + arguments)
    }

    /// A fresh folder with the demo video's first `frameCount` frames as H.264 MP4 (`camera.mp4`)
    /// and MJPEG AVI (`camera.avi`), 10 fps, 640x480.
    static func makeVideos() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-roles-\(UUID().uuidString)")
        let frames = folder.appendingPathComponent("frames")
        try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
        try run(VigilBinary.url, ["demo-model", "--video-frames", frames.path, "--count", "\(frameCount)"])
        try ffmpeg(["-framerate", "10", "-i", frames.path + "/%04d.jpg", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "10",
                    folder.appendingPathComponent("camera.mp4").path])
        try ffmpeg(["-framerate", "10", "-i", frames.path + "/%04d.jpg", "-c:v", "mjpeg", "-q:v", "3",
                    folder.appendingPathComponent("camera.avi").path])
        return folder
    }

    /// Every frame of `video` decoded by the ffmpeg CLI to PNG, in order.
    static func referenceFrames(of video: URL, into folder: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try ffmpeg(["-i", video.path, "-sws_flags", swsFlags, "-vsync", "passthrough", "-pix_fmt", "rgb24", folder.path + "/%04d.png"])
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }.sorted()
        return names.map { folder.appendingPathComponent($0) }
    }

    /// `vigil predict` of each image: the predictions array of each line, as tag → probability pairs.
    static func predict(_ images: [URL]) throws -> [[(String, Double)]] {
        let output = try run(VigilBinary.url, ["predict", demoModel.path] + images.map(\.path))
        return output.split(separator: "\n").filter { $0.hasPrefix("{") }.map { line in
            predictions(of: String(line))
        }
    }

    static func predictions(of json: String) -> [(String, Double)] {
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
        return (object["predictions"] as? [[String: Any]] ?? []).map {
            ($0["tagName"] as? String ?? "", ($0["probability"] as? NSNumber)?.doubleValue ?? -1)
        }
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` seconds pass.
    static func wait(timeout: Double = 60, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }
}
