import VigilEngine

/// Builds one-node graphs for op tests: inputs are runtime values unless given as constants.
struct OpHarness {
    var node: Node
    var inputs: [(name: String, tensor: Tensor, constant: Bool)]

    init(_ op: String, opset: Int = 13, attributes: [String: Attribute] = [:], inputs: [(String, Tensor, Bool)], outputs: [String] = ["y"]) {
        node = Node(name: "op", opType: op, opset: opset, inputs: inputs.map(\.0), outputs: outputs, attributes: attributes)
        self.inputs = inputs.map { (name: $0.0, tensor: $0.1, constant: $0.2) }
    }

    /// Runs the node once and returns its outputs by name.
    func run(optimize: Bool = true) throws -> [String: Tensor] {
        var graph = Graph(name: "test", nodes: [node], outputs: node.outputs.filter { !$0.isEmpty })
        var feeds: [String: Tensor] = [:]
        for input in inputs {
            if input.constant { graph.initializers[input.name] = input.tensor }
            else {
                graph.inputs.append(Graph.Input(name: input.name, dtype: input.tensor.dtype, shape: input.tensor.shape.map { $0 }))
                feeds[input.name] = input.tensor
            }
        }
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: 1, optimize: optimize))
        return try session.run(feeds)
    }
}

func iota(_ shape: [Int], scale: Float = 1, offset: Float = 0) -> Tensor {
    let n = shape.reduce(1, *)
    return Tensor(shape: shape, floats: (0..<n).map { Float($0) * scale + offset })
}
