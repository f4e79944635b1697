import Foundation
import VigilEngine
import VigilVision

/// A model loaded for the engine-level commands (inspect, bench, infer): an image bundle when the
/// path is one, otherwise a bare model graph with its inputs bound from --input-shape.
struct LoadedModel {
    let file: URL
    let graph: Graph
    let bundle: ModelBundle?
    let opsets: [String: Int]
    let session: InferenceSession

    static func load(_ url: URL, inputShapes: [String: [Int]], threads: Int = 1) throws -> LoadedModel {
        if inputShapes.isEmpty, let bundle = try? ModelBundle.load(url) {
            let session = try InferenceSession(graph: bundle.graph, options: SessionOptions(
                threads: threads, inputShapes: [bundle.inputName: bundle.contract.inputShape]))
            return LoadedModel(file: bundle.modelFile, graph: bundle.graph, bundle: bundle, opsets: bundle.opsets, session: session)
        }
        let (file, model) = try ModelFile.load(url)
        let session = try InferenceSession(graph: model.graph, options: SessionOptions(threads: threads, inputShapes: inputShapes))
        return LoadedModel(file: file, graph: model.graph, bundle: nil, opsets: model.opsets, session: session)
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
