import Foundation
import VigilTestSupport
import XCTest

/// `vigil capture` with the seed camera-capture module's variables, scoring through a remote
/// Custom-Vision-compatible endpoint (a real `vigil serve`), as a seed deployment does.
final class CaptureRoleTests: XCTestCase {
    func testSeedVariables_scoreEveryFrameRemotelyAndEndWithTheVideo() throws {
        try RoleFixtures.requireTools(["ffmpeg"])
        let videos = try RoleFixtures.makeVideos()
        defer { try? FileManager.default.removeItem(at: videos) }
        let server = try ServedVigil(["--model", RoleFixtures.demoModel.path, "--port", "0"])
        defer { _ = server.stop() }

        let output = try RoleFixtures.run(VigilBinary.url, ["capture"], environment: [
            "VIDEO_PATH": videos.appendingPathComponent("camera.mp4").path,
            "IMAGE_PROCESSING_ENDPOINT": server.base.appendingPathComponent("image").absoluteString,
            "IMAGE_PROCESSING_PARAMS": "{\"iterationId\": \"demo\"}",
            "VERBOSE": "True", "LOOP_VIDEO": "False", "SHOW_VIDEO": "False",
            "LOG_LEVEL": "warning",
        ])
        let lines = output.split(separator: "\n").filter { $0.hasPrefix("{") }
        XCTAssertEqual(lines.count, RoleFixtures.frameCount, output)
        for line in lines {
            let object = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])
            let sequence = try XCTUnwrap(object["sequence"] as? Int)
            let top = RoleFixtures.predictions(of: String(line)).max { $0.1 < $1.1 }
            // Frames 1-20 show the red shape, 21-40 the green one (two seconds each at 10 fps).
            XCTAssertEqual(top?.0, sequence <= 20 ? "red shape" : "green shape", "frame \(sequence)")
            XCTAssertEqual(object["model"] as? String, "127.0.0.1")
        }
    }

    func testMissingVideoPath_failsNamingTheVariable() throws {
        XCTAssertThrowsError(try RoleFixtures.run(VigilBinary.url, ["capture"], environment: ["VIDEO_PATH": ""])) { error in
            XCTAssertTrue("\(error)".contains("VIDEO_PATH: is required"), "\(error)")
        }
        XCTAssertThrowsError(try RoleFixtures.run(VigilBinary.url, ["capture"], environment: ["VIDEO_PATH": "0", "VIGIL_MODEL": ""])) { error in
            XCTAssertTrue("\(error)".contains("IMAGE_PROCESSING_ENDPOINT: is not set, so a model is needed"), "\(error)")
        }
        XCTAssertThrowsError(try RoleFixtures.run(VigilBinary.url, ["capture"], environment: [
            "VIDEO_PATH": "0", "IMAGE_PROCESSING_ENDPOINT": "http://127.0.0.1:9/image", "IMAGE_PROCESSING_PARAMS": "not json",
        ])) { error in
            XCTAssertTrue("\(error)".contains("IMAGE_PROCESSING_PARAMS: must be a JSON object"), "\(error)")
        }
    }
}
