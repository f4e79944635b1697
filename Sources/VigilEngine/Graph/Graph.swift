/// An engine-neutral computation graph, as an importer builds it and the passes rewrite it.
///
/// Values are named; `initializers` hold the constants (weights); `inputs` are the graph's
/// runtime inputs with their declared shapes (nil dims are dynamic: bound when a session is made).
public struct Graph: Sendable {
    public struct Input: Sendable, Equatable {
        public var name: String
        public var dtype: DataType
        /// Declared dims; nil for a symbolic or unknown dim.
        public var shape: [Int?]
        public init(name: String, dtype: DataType, shape: [Int?]) {
            self.name = name; self.dtype = dtype; self.shape = shape
        }
    }

    public var name: String
    public var nodes: [Node]
    public var initializers: [String: Tensor]
    public var inputs: [Input]
    public var outputs: [String]
    /// Free-form model metadata (ONNX metadata_props, producer, labels found in the graph).
    public var metadata: [String: String]
    /// Outputs the importer dropped because they are not tensors (ZipMap maps, string labels), with why.
    public var droppedOutputs: [String: String]

    public init(name: String = "", nodes: [Node] = [], initializers: [String: Tensor] = [:], inputs: [Input] = [],
                outputs: [String] = [], metadata: [String: String] = [:]) {
        self.name = name
        self.nodes = nodes
        self.initializers = initializers
        self.inputs = inputs
        self.outputs = outputs
        self.metadata = metadata
        self.droppedOutputs = [:]
    }

    /// The nodes that consume each value name.
    public func consumers() -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            for input in node.inputs where !input.isEmpty { result[input, default: []].append(index) }
            if let residual = node.fused.residualInput { result[residual, default: []].append(index) }
        }
        return result
    }

    /// The index of the node producing each value name.
    public func producers() -> [String: Int] {
        var result: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty { result[output] = index }
        }
        return result
    }
}
