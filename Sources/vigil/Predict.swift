import ArgumentParser
import Foundation
import VigilCore
import VigilVision

/// `vigil predict MODEL IMAGE...`: one Custom Vision prediction document per image, one per line.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score images and print the Custom Vision prediction JSON, one line per image.")

    @Argument(help: "Model bundle: an export folder, its .zip, or a model file.")
    var model: String

    @Argument(help: "Images (JPEG, PNG, BMP).")
    var images: [String]

    @Option(help: "Only list predictions with probability >= this.")
    var threshold: Double?

    @Option(help: "Only list the K most probable predictions, sorted by probability.")
    var top: Int?

    @Option(help: "Inference threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let predictor = try Console.attempt { try Predictor(bundle: try ModelBundle.load(URL(fileURLWithPath: model)), threads: threads) }
        let filter = PredictionFilter(threshold: threshold, top: top)
        var failures = 0
        for path in images {
            do {
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                    throw VisionError(.image, path, "cannot read the file (\(error.localizedDescription))")
                }
                let predictions = filter.apply(try predictor.predict(imageData: data, name: path))
                let document = PredictionDocument(created: PredictionDocument.createdNow(), predictions: predictions)
                print(document.jsonString())
            } catch {
                Console.error("\(error)")
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
