import ArgumentParser
import Foundation
import VigilVision

/// `vigil demo-model --out DIR`: regenerates the bundled demo model from synthetic scenes.
struct DemoModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-model",
        abstract: "Write the demo model bundle (model.onnx, labels.txt, sample images) made from synthetic scenes.")

    @Option(help: "Output folder.")
    var out: String = "demo/model"

    func run() throws {
        let folder = URL(fileURLWithPath: out)
        try Console.attempt { try DemoModel.write(to: folder) }
        print("wrote \(folder.path)/model.onnx, labels.txt and samples/")
    }
}
