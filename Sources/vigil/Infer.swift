import ArgumentParser
import Foundation
import VigilCore
import VigilEngine
import VigilONNX
import VigilVision

/// `vigil infer MODEL --input X.npy --output-dir DIR`: raw tensors in, raw tensors out.
struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Feed a .npy tensor to the model's first input and write each output as a .npy file.")

    @Argument(help: "Model bundle, folder or .onnx file.")
    var model: String

    @Option(help: "The input tensor (.npy).")
    var input: String

    @Option(name: .customLong("output-dir"), help: "Where to write <output name>.npy files.")
    var outputDir: String

    @Option(help: "Inference threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let url = URL(fileURLWithPath: model)
        let tensor = try Console.attempt { try NumpyArray.read(contentsOf: URL(fileURLWithPath: input)) }
        let graph: Graph = try Console.attempt {
            if let bundle = try? ModelBundle.load(url) { return bundle.graph }
            return try ModelFile.load(url).model.graph
        }
        guard let first = graph.inputs.first(where: { graph.initializers[$0.name] == nil }) else {
            Console.error("\(model): the model has no inputs")
            throw ExitCode(1)
        }
        let session = try Console.attempt {
            try InferenceSession(graph: graph, options: SessionOptions(threads: threads, inputShapes: [first.name: tensor.shape]))
        }
        let value: Tensor
        switch tensor.elements {
        case .float32(let floats): value = Tensor(shape: tensor.shape, floats: floats)
        case .int64(let ints): value = Tensor(shape: tensor.shape, ints: ints, dtype: first.dtype.isInteger ? first.dtype : .int64)
        }
        let outputs = try Console.attempt { try session.run([first.name: value]) }
        let directory = URL(fileURLWithPath: outputDir)
        try Console.attempt { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        for info in session.outputs {
            let result = outputs[info.name]!
            let array = result.dtype == .float32 ? NumpyArray(shape: result.shape, floats: result.floats)
                                                 : NumpyArray(shape: result.shape, ints: result.ints)
            let file = directory.appendingPathComponent(Self.fileName(for: info.name))
            try Console.attempt { try array.write(to: file) }
            print("\(info.name) \(info.shape) -> \(file.path)")
        }
    }

    /// `loss:0` -> `loss_0.npy`: every character outside [A-Za-z0-9._-] becomes '_'.
    static func fileName(for output: String) -> String {
        String(output.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" }) + ".npy"
    }
}
