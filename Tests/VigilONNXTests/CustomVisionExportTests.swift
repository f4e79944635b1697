import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilONNX
import VigilTestSupport

/// The real Custom Vision ONNX exports and their derived conversions: raw scores for every stored
/// reference input match ONNX Runtime / TensorFlow within 1e-4 abs + 1e-3 rel (README §8 asks 1e-5; checked too).
@Suite struct CustomVisionExportTests {
    /// (model file, score tensor, reference folder) for every ONNX file under models/customvision.
    static func cases() -> [(model: URL, output: String, reference: URL)] {
        var result: [(URL, String, URL)] = []
        for export in SharedAssets.customVisionExports() {
            let reference = export.appendingPathComponent("reference")
            let native = export.appendingPathComponent("model.onnx")
            if FileManager.default.fileExists(atPath: native.path) {
                let output = export.lastPathComponent == "cv-onnx-cat-or-dog" ? "loss1" : "loss.1"
                result.append((native, output, reference))
            }
            let derived = export.appendingPathComponent("derived")
            for file in SharedAssets.files(in: derived) where file.pathExtension == "onnx" {
                let output = file.lastPathComponent.contains("tf2onnx") ? "loss:0" : "loss.1"
                result.append((file, output, reference))
            }
        }
        return result
    }

    @Test func customVisionONNX_matchesReferenceScores() throws {
        guard SharedAssets.isAvailable else { print(SharedAssets.missingMessage); return }
        let cases = Self.cases()
        #expect(cases.count == 8, "expected 3 native exports + 5 derived files, found \(cases.map(\.model.path))")
        for testCase in cases {
            let model = try ONNXImporter.load(contentsOf: testCase.model)
            #expect(model.graph.outputs.contains(testCase.output), "\(testCase.model.path): outputs \(model.graph.outputs)")
            let inputs = SharedAssets.files(in: testCase.reference).filter { $0.lastPathComponent.hasSuffix(".input.npy") }
            #expect(!inputs.isEmpty)
            var session: InferenceSession? = nil
            var worst: Float = 0
            for inputURL in inputs {
                let input = try NumpyArray.read(contentsOf: inputURL)
                let expected = try NumpyArray.read(contentsOf: URL(fileURLWithPath: inputURL.path.replacingOccurrences(of: ".input.npy", with: ".output.npy")))
                if session == nil {
                    let name = model.graph.inputs.first { model.graph.initializers[$0.name] == nil }!.name
                    session = try InferenceSession(graph: model.graph, options: SessionOptions(threads: 2, inputShapes: [name: input.shape]))
                }
                let index = session!.outputs.firstIndex { $0.name == testCase.output }!
                _ = session!.inputBuffer(0).update(from: input.floats)
                session!.run()
                let actual = Array(session!.outputBuffer(index))
                let (excess, at) = worstExcess(actual, expected.floats, abs: 1e-4, rel: 1e-3)
                #expect(excess <= 0, "\(testCase.model.lastPathComponent) \(inputURL.lastPathComponent): [\(at)] \(actual[max(at, 0)]) vs \(expected.floats[max(at, 0)])")
                worst = max(worst, maxAbsDiff(actual, expected.floats))
            }
            #expect(worst <= 1e-5, "\(testCase.model.path): max |Δ| \(worst) exceeds the README's 1e-5")
        }
    }
}
