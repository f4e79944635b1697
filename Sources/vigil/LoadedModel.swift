import Foundation
import VigilEngine
import VigilONNX
import VigilVision

/// A model loaded for the engine-level commands (inspect, bench, infer): an image bundle when the
/// path is one, otherwise a bare ONNX graph with its inputs bound from --input-shape.
struct LoadedModel {
    let file: URL
    let graph: Graph
    let bundle: ModelBundle?
    let opsets: [String: Int]
    let session: InferenceSession

    static func load(_ url: URL, inputShapes: [String: [Int]], threads: Int = 1) throws -> LoadedModel {
        if inputShapes.isEmpty, let bundle = try? ModelBundle.load(url) {
            let session = try InferenceSession(graph: bundle.graph, options: SessionOptions(
                threads: threads, inputShapes: [bundle.inputName: bundle.contract.layout == .nchw
                    ? [1, 3, bundle.contract.height, bundle.contract.width] : [1, bundle.contract.height, bundle.contract.width, 3]]))
            return LoadedModel(file: bundle.modelFile, graph: bundle.graph, bundle: bundle, opsets: bundle.opsets, session: session)
        }
        let file = try modelFile(url)
        let model = try ONNXImporter.load(contentsOf: file)
        let session = try InferenceSession(graph: model.graph, options: SessionOptions(threads: threads, inputShapes: inputShapes))
        return LoadedModel(file: file, graph: model.graph, bundle: nil, opsets: model.opsets, session: session)
    }

    /// The model file of a folder (model.onnx, or its only .onnx file), or the file itself.
    static func modelFile(_ url: URL) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw VisionError(.bundle, url.path, "no such file or folder")
        }
        guard isDirectory.boolValue else { return url }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        if names.contains("model.onnx") { return url.appendingPathComponent("model.onnx") }
        let onnx = names.filter { $0.hasSuffix(".onnx") }
        guard onnx.count == 1 else { throw VisionError(.bundle, url.path, "expected one .onnx file, found \(onnx.count)") }
        return url.appendingPathComponent(onnx[0])
    }
}

/// Parses `NAME=1,3,224,224` options.
enum InputShapes {
    static func parse(_ options: [String]) throws -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for option in options {
            let parts = option.split(separator: "=", maxSplits: 1)
            let dims = parts.count == 2 ? parts[1].split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) } : []
            guard parts.count == 2, !dims.isEmpty, dims.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw VisionError(.model, "--input-shape \(option)", "expected NAME=D1,D2,... with positive dims")
            }
            result[String(parts[0])] = dims.map { $0! }
        }
        return result
    }
}
