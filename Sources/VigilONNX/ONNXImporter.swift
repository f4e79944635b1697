import Foundation
import SwiftProtobuf
import VigilEngine

/// A model read from an ONNX file: the engine graph plus what the file says about itself.
public struct ONNXModel: Sendable {
    public var graph: Graph
    /// ai.onnx (and other domains') opset versions the model imports.
    public var opsets: [String: Int]
    public var irVersion: Int
    public var producer: String
    /// `metadata_props` (Custom Vision writes its preprocessing and postprocessing keys here).
    public var metadata: [String: String]
    /// Class labels found in the classifier tail (ZipMap `classlabels_strings` / `_int64s`), in output order.
    public var classLabels: [String]?
}

/// Reads ONNX files (IR 3+, ai.onnx opsets 1–23) into engine graphs.
///
/// The 2018 Custom Vision exports need care: opset-1 legacy ops (FC, ImageScaler,
/// com.microsoft::LegacyPadding) are kept for the engine; nodes may be listed before their
/// producers; initializers double as graph inputs; and the ai.onnx.ml tail (ZipMap, ArgMax +
/// ArrayFeatureExtractor over a string Constant) produces maps and strings, so the importer
/// exposes the probability tensor that feeds ZipMap instead and records ZipMap's labels.
public enum ONNXImporter {
    public static let supportedOpsets = 1...23

    public static func load(contentsOf url: URL) throws -> ONNXModel {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw ONNXImportError(file: url.path, "cannot read the file (\(error.localizedDescription))")
        }
        return try load(data, file: url.path, directory: url.deletingLastPathComponent())
    }

    public static func load(_ data: Data, file: String = "<memory>", directory: URL? = nil) throws -> ONNXModel {
        guard !data.isEmpty else { throw ONNXImportError(file: file, "the file is empty") }
        let proto: Onnx_ModelProto
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 200
            proto = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw ONNXImportError(file: file, "not a valid ONNX model: the protobuf is corrupt or truncated (\(error))")
        }
        guard proto.hasGraph, !proto.graph.node.isEmpty || !proto.graph.output.isEmpty else {
            throw ONNXImportError(file: file, "not a valid ONNX model: it has no graph (is this an ONNX file?)")
        }
        var opsets: [String: Int] = [:]
        for entry in proto.opsetImport {
            let domain = entry.domain == "ai.onnx" ? "" : entry.domain
            opsets[domain] = Int(entry.version)
        }
        if proto.opsetImport.isEmpty { opsets[""] = 1 }   // IR 1/2 files had no opset_import
        if let version = opsets[""], !supportedOpsets.contains(version) {
            throw ONNXImportError(file: file, "ai.onnx opset \(version) is not supported (Vigil reads opsets \(supportedOpsets.lowerBound)–\(supportedOpsets.upperBound))")
        }
        var metadata: [String: String] = [:]
        for entry in proto.metadataProps { metadata[entry.key] = entry.value }

        let decoder = ONNXTensorDecoder(modelDirectory: directory, file: file)
        var (graph, labels) = try GraphReader(decoder: decoder, opsets: opsets, file: file).read(proto.graph)
        graph.metadata = metadata
        graph.metadata["onnx.producer"] = [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        return ONNXModel(graph: graph, opsets: opsets, irVersion: Int(proto.irVersion),
                         producer: graph.metadata["onnx.producer"] ?? "", metadata: metadata, classLabels: labels)
    }
}

/// Turns a GraphProto into an engine Graph.
struct GraphReader {
    let decoder: ONNXTensorDecoder
    let opsets: [String: Int]
    let file: String

    func read(_ proto: Onnx_GraphProto) throws -> (Graph, [String]?) {
        var graph = Graph(name: proto.name)
        for (index, initializer) in proto.initializer.enumerated() {
            let name = initializer.name
            guard !name.isEmpty else { throw ONNXImportError(file: file, "initializer #\(index) has no name") }
            graph.initializers[name] = try decoder.decode(initializer, what: "initializer '\(name)'")
        }
        if !proto.sparseInitializer.isEmpty {
            throw ONNXImportError(file: file, "sparse initializers are not supported ('\(proto.sparseInitializer[0].values.name)')")
        }
        for input in proto.input where graph.initializers[input.name] == nil {
            graph.inputs.append(try tensorInput(input))
        }
        for (index, nodeProto) in proto.node.enumerated() {
            graph.nodes.append(try node(nodeProto, index: index))
        }

        // Outputs: a ZipMap's map output is replaced by the tensor that feeds it; other non-tensor
        // or string outputs (the label string of ArgMax + ArrayFeatureExtractor) are dropped.
        var labels: [String]? = nil
        let zipMaps = Dictionary(graph.nodes.filter { $0.opType == "ZipMap" }.map { ($0.outputs[0], $0) }, uniquingKeysWith: { a, _ in a })
        var outputs: [String] = []
        for output in proto.output {
            if let zipMap = zipMaps[output.name] {
                switch zipMap.attributes["classlabels_strings"] ?? zipMap.attributes["classlabels_int64s"] {
                case .strings(let values)?: labels = values
                case .ints(let values)?: labels = values.map(String.init)
                default: break
                }
                graph.droppedOutputs[output.name] = "a ZipMap map of labels to scores: '\(zipMap.inputs[0])' holds the scores"
                if !outputs.contains(zipMap.inputs[0]) { outputs.append(zipMap.inputs[0]) }
                continue
            }
            switch output.type.value {
            case .tensorType(let type)?:
                if type.elemType == 8 {
                    graph.droppedOutputs[output.name] = "a string tensor (class label), which Vigil derives from the scores"
                    continue
                }
            case nil:
                break
            default:
                graph.droppedOutputs[output.name] = "not a tensor (sequence or map)"
                continue
            }
            outputs.append(output.name)
        }
        guard !outputs.isEmpty else {
            throw ONNXImportError(file: file, "the graph has no tensor outputs (dropped: \(graph.droppedOutputs.keys.sorted()))")
        }
        graph.outputs = outputs
        graph.nodes.removeAll { $0.opType == "ZipMap" && $0.domain == "ai.onnx.ml" }
        return (graph, labels)
    }

    /// An If branch or Loop body: its own initializers, inputs and nodes; its outputs by name.
    /// Names it reads but does not define come from the enclosing graph (`Graph.freeValues`).
    func subgraph(_ proto: Onnx_GraphProto, what: String) throws -> Graph {
        var graph = Graph(name: proto.name.isEmpty ? what : proto.name)
        for (index, initializer) in proto.initializer.enumerated() {
            guard !initializer.name.isEmpty else { throw ONNXImportError(file: file, "\(what): initializer #\(index) has no name") }
            graph.initializers[initializer.name] = try decoder.decode(initializer, what: "\(what) initializer '\(initializer.name)'")
        }
        for input in proto.input where graph.initializers[input.name] == nil {
            graph.inputs.append(try tensorInput(input))
        }
        for (index, nodeProto) in proto.node.enumerated() {
            graph.nodes.append(try node(nodeProto, index: index))
        }
        graph.outputs = proto.output.map(\.name)
        guard !graph.outputs.isEmpty else { throw ONNXImportError(file: file, "\(what): the subgraph has no outputs") }
        return graph
    }

    func tensorInput(_ proto: Onnx_ValueInfoProto) throws -> Graph.Input {
        guard case .tensorType(let type)? = proto.type.value else {
            throw ONNXImportError(file: file, "graph input '\(proto.name)' is not a tensor")
        }
        guard let dtype = ONNXTensorDecoder.dataType(type.elemType), dtype != .string else {
            throw ONNXImportError(file: file, "graph input '\(proto.name)' has unsupported type \(ONNXTensorDecoder.typeName(type.elemType))")
        }
        let dims: [Int?] = type.shape.dim.map { dim in
            if case .dimValue(let v)? = dim.value, v > 0 { return Int(v) }
            return nil
        }
        return Graph.Input(name: proto.name, dtype: dtype, shape: dims)
    }

    func node(_ proto: Onnx_NodeProto, index: Int) throws -> Node {
        let domain = proto.domain == "ai.onnx" ? "" : proto.domain
        let name = proto.name.isEmpty ? "\(proto.opType)_\(index)" : proto.name
        guard let opset = opsets[domain] ?? (domain == "com.microsoft" ? 1 : nil) else {
            throw ONNXImportError(file: file, "node '\(name)' (\(proto.opType)) uses domain '\(domain)', which the model does not import")
        }
        var attributes: [String: Attribute] = [:]
        for attribute in proto.attribute {
            attributes[attribute.name] = try self.attribute(attribute, node: name, op: proto.opType)
        }
        return Node(name: name, opType: proto.opType, domain: domain, opset: opset,
                    inputs: proto.input, outputs: proto.output, attributes: attributes)
    }

    func attribute(_ proto: Onnx_AttributeProto, node: String, op: String) throws -> Attribute {
        let what = "node '\(node)' (\(op)) attribute '\(proto.name)'"
        switch proto.type {
        case .float: return .float(proto.f)
        case .int: return .int(Int(clamping: proto.i))
        case .string: return .string(String(decoding: proto.s, as: UTF8.self))
        case .floats: return .floats(proto.floats)
        case .ints: return .ints(proto.ints.map { Int(clamping: $0) })
        case .strings: return .strings(proto.strings.map { String(decoding: $0, as: UTF8.self) })
        case .tensor: return .tensor(try decoder.decode(proto.t, what: what))
        case .graph: return .graph(try subgraph(proto.g, what: what))
        case .graphs: return .unsupported("list of subgraphs")
        case .undefined:
            // IR 1/2 files may omit the type: infer it from the field that is set.
            if proto.hasF { return .float(proto.f) }
            if proto.hasI { return .int(Int(clamping: proto.i)) }
            if proto.hasS { return .string(String(decoding: proto.s, as: UTF8.self)) }
            if !proto.floats.isEmpty { return .floats(proto.floats) }
            if !proto.ints.isEmpty { return .ints(proto.ints.map { Int(clamping: $0) }) }
            if !proto.strings.isEmpty { return .strings(proto.strings.map { String(decoding: $0, as: UTF8.self) }) }
            if proto.hasT { return .tensor(try decoder.decode(proto.t, what: what)) }
            return .ints([])
        default: return .unsupported("\(proto.type)")
        }
    }
}
