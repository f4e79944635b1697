import Foundation
import SwiftProtobuf
import VigilEngine

/// A frozen TensorFlow GraphDef read into an engine graph.
public struct TensorFlowModel: Sendable {
    public var graph: Graph
    /// Source op histogram (as in the .pb file).
    public var opHistogram: [String: Int]
    public var producerVersion: Int
}

/// Reads frozen TensorFlow GraphDefs (`model.pb`, as Custom Vision's TensorFlow and Docker exports
/// ship them) into the engine's NCHW graph, with no TensorFlow installed.
///
/// Inputs are the Placeholders; outputs are the nodes given, or else every node nothing consumes.
/// Tensor names follow TensorFlow (`loss:0`); the graph's inputs and outputs keep those names.
public enum TensorFlowImporter {
    public static func load(contentsOf url: URL, outputs: [String]? = nil) throws -> TensorFlowModel {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw ImportError(subject: "TensorFlow model", node: url.path, "cannot read the file (\(error.localizedDescription))")
        }
        return try load(data, file: url.path, outputs: outputs)
    }

    public static func load(_ data: Data, file: String = "<memory>", outputs requested: [String]? = nil) throws -> TensorFlowModel {
        guard !data.isEmpty else { throw ImportError(subject: "TensorFlow model", node: file, "the file is empty") }
        let graphDef: Tensorflow_GraphDef
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 200
            graphDef = try Tensorflow_GraphDef(serializedBytes: data, options: options)
        } catch {
            throw ImportError(subject: "TensorFlow model", node: file, "not a valid frozen GraphDef: the protobuf is corrupt or truncated (\(error))")
        }
        guard !graphDef.node.isEmpty, graphDef.node.allSatisfy({ !$0.op.isEmpty && !$0.name.isEmpty }) else {
            throw ImportError(subject: "TensorFlow model", node: file, "not a valid frozen GraphDef: it has no nodes (is this a TensorFlow .pb file?)")
        }
        var translator = GraphDefTranslator(file: file, nodes: graphDef.node)
        try translator.translate(outputs: requested)
        var histogram: [String: Int] = [:]
        for node in graphDef.node { histogram[node.op, default: 0] += 1 }
        var graph = translator.builder.graph
        graph.metadata["tensorflow.producer"] = "\(graphDef.versions.producer)"
        return TensorFlowModel(graph: graph, opHistogram: histogram, producerVersion: Int(graphDef.versions.producer))
    }
}
