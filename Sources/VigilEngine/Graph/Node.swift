/// One operation of a `Graph`: an op type in a domain at an opset version, named inputs and outputs.
///
/// An empty input name means an omitted optional input (ONNX convention). `fused` carries what
/// the optimisation passes folded into the node (activation, residual add).
public struct Node: Sendable, Equatable {
    public var name: String
    public var opType: String
    public var domain: String          // "" for ai.onnx; "ai.onnx.ml", "com.microsoft", "tf", "tflite"
    public var opset: Int              // the version of `domain` the model imports
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: Attribute]
    public var fused: Fusion = Fusion()

    public init(name: String, opType: String, domain: String = "", opset: Int, inputs: [String], outputs: [String],
                attributes: [String: Attribute] = [:]) {
        self.name = name
        self.opType = opType
        self.domain = domain
        self.opset = opset
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    /// Values of the enclosing graph that the node's subgraphs read (If branches, Loop bodies):
    /// inputs in all but name, so sorting, pruning and the passes keep their producers.
    public var captures: [String] {
        var result: [String] = []
        for attribute in attributes.values {
            if case .graph(let body) = attribute { result += body.freeValues.filter { !result.contains($0) } }
        }
        return result
    }

    /// Everything the node reads: its non-empty inputs, the fused residual, and subgraph captures.
    public var dependencies: [String] {
        var result = inputs.filter { !$0.isEmpty }
        if let residual = fused.residualInput { result.append(residual) }
        if attributes.values.contains(where: { if case .graph = $0 { true } else { false } }) { result += captures }
        return result
    }

    /// The op as errors name it: `Conv`, `com.microsoft::LegacyPadding`.
    public var qualifiedOp: String { domain.isEmpty || domain == "ai.onnx" ? opType : "\(domain)::\(opType)" }

    /// What the optimisation passes fused into this node.
    public struct Fusion: Sendable, Equatable {
        /// An activation node that followed and was folded in (by op type plus its attributes).
        public var activation: FusedActivation?
        /// A tensor added to the result before the activation (a residual Add that followed).
        public var residualInput: String?
        public init() {}
    }
}

/// An activation folded into the producing node; the engine maps it onto a kernel epilogue.
public enum FusedActivation: Sendable, Equatable {
    case relu
    case leakyRelu(alpha: Float)
    case clip(min: Float, max: Float)
    case sigmoid
    case tanh
    case hardSigmoid(alpha: Float, beta: Float)
    case hardSwish
    case elu(alpha: Float)
}
