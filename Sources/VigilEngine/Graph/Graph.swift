/// An engine-neutral computation graph, as an importer builds it and the passes rewrite it.
///
/// Values are named; `initializers` hold the constants (weights); `inputs` are the graph's
/// runtime inputs with their declared shapes (nil dims are dynamic: bound when a session is made).
public struct Graph: Sendable, Equatable {
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

    /// The nodes that consume each value name (a node with subgraphs consumes what they capture).
    public func consumers() -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            for input in node.dependencies { result[input, default: []].append(index) }
        }
        return result
    }

    /// Values the nodes read from outside: what no node produces and no initializer holds
    /// (for a subgraph, the enclosing graph's values it captures).
    public var freeValues: [String] {
        var defined = Set(initializers.keys).union(inputs.map(\.name))
        var free: [String] = []
        var seen = Set<String>()
        for node in nodes { node.outputs.forEach { defined.insert($0) } }
        for node in nodes {
            for name in node.dependencies where !defined.contains(name) && seen.insert(name).inserted { free.append(name) }
        }
        return free
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
