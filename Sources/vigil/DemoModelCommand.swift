import ArgumentParser
import Foundation
import VigilImage
import VigilVision

/// `vigil demo-model --out DIR`: regenerates the bundled demo model from synthetic scenes.
struct DemoModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-model",
        abstract: "Write the demo model bundle (model.onnx, labels.txt, sample images) made from synthetic scenes.")

    @Option(help: "Output folder.")
    var out: String = "demo/model"

    @Option(name: .customLong("video-frames"), help: "Instead, write the demo video's frames as JPEG files into this folder (scripts/make-demo-video.sh encodes them).")
    var videoFrames: String?

    @Option(help: "Frames to write with --video-frames (default: five scenes).")
    var count = DemoVideo.framesPerScene * 5

    func run() throws {
        if let videoFrames {
            let folder = URL(fileURLWithPath: videoFrames)
            try Console.attempt {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for index in 0..<count {
                    let jpeg = try JPEGEncoder.encode(DemoVideo.frame(index), quality: 92)
                    try jpeg.write(to: folder.appendingPathComponent(String(format: "%04d.jpg", index)))
                }
            }
            print("wrote \(count) frames to \(folder.path)")
            return
        }
        let folder = URL(fileURLWithPath: out)
        try Console.attempt { try DemoModel.write(to: folder) }
        print("wrote \(folder.path)/model.onnx, labels.txt and samples/")
    }
}
