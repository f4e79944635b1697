import VigilEngine

/// Builds an engine graph (ONNX semantics, NCHW) from a channel-last model (TensorFlow, TFLite).
///
/// The engine computes in NCHW, so a 4-D activation of the source model is held transposed: its
/// value is tagged `.channelsFirst` and every op that cares about axes (convolution, pooling,
/// concatenation, reductions, padding, broadcasting) is translated to its NCHW form. Ops that do
/// not (Reshape, Squeeze, Softmax over the last axis, ...) first get the value back in the
/// source's own layout (`.asIs`) with a Transpose, so every op keeps the source's exact semantics.
/// Constants are rewritten at import (HWIO/OHWI filters to OIHW), never at run time.
public struct NHWCGraphBuilder {
    /// A value of the source graph as it exists in the engine graph.
    public struct Value: Sendable {
        public enum Layout: Sendable { case asIs, channelsFirst }
        /// The engine graph's value name.
        public var name: String
        public var layout: Layout
        /// Rank in the source model (4 for a channelsFirst value); nil when unknown.
        public var rank: Int?
        /// Contents when constant (in the source's layout).
        public var constant: Tensor?
    }

    public private(set) var graph: Graph
    private var counter = 0
    /// The opset the emitted nodes follow.
    public static let opset = 13
    /// Whoever is building, for error messages ("TensorFlow node", "TFLite operator").
    let subject: String

    public init(name: String, subject: String) {
        graph = Graph(name: name)
        self.subject = subject
    }

    // MARK: values

    /// A fresh engine value name derived from a source name.
    mutating func fresh(_ base: String) -> String {
        counter += 1
        return "\(base)#\(counter)"
    }

    public mutating func constant(_ tensor: Tensor, name: String) -> Value {
        // Names derive from source names, which need not be unique (TFLite tensor names): never overwrite.
        let unique = graph.initializers[name] == nil ? name : fresh(name)
        graph.initializers[unique] = tensor
        return Value(name: unique, layout: .asIs, rank: tensor.shape.count, constant: tensor)
    }

    /// A graph input declared in the source's layout; a 4-D float input is transposed to NCHW once.
    public mutating func input(_ name: String, dtype: DataType, shape: [Int?]) -> Value {
        graph.inputs.append(Graph.Input(name: name, dtype: dtype, shape: shape))
        let value = Value(name: name, layout: .asIs, rank: shape.count, constant: nil)
        if shape.count == 4, dtype == .float32 {
            return channelsFirst(value, node: name)
        }
        return value
    }

    /// Marks graph outputs, returning 4-D values to the source's layout.
    public mutating func output(_ value: Value, named name: String) {
        let plain = asIs(value, node: name)
        if plain.name == name || graph.initializers[plain.name] != nil && plain.name == name {
            graph.outputs.append(name)
            return
        }
        emit("Identity", name: name, inputs: [plain.name], outputs: [name])
        graph.outputs.append(name)
    }

    /// Emits one engine node; returns its first output name.
    @discardableResult
    public mutating func emit(_ op: String, name: String, inputs: [String], outputs: [String]? = nil,
                              attributes: [String: Attribute] = [:]) -> String {
        let outs = outputs ?? [fresh(name)]
        graph.nodes.append(Node(name: name, opType: op, opset: Self.opset, inputs: inputs, outputs: outs, attributes: attributes))
        return outs[0]
    }

    // MARK: layout conversions

    /// The value in the source's own layout (a Transpose NCHW -> NHWC when needed).
    public mutating func asIs(_ value: Value, node: String) -> Value {
        guard value.layout == .channelsFirst else { return value }
        let out = emit("Transpose", name: "\(node)/to_nhwc", inputs: [value.name], attributes: ["perm": .ints([0, 2, 3, 1])])
        return Value(name: out, layout: .asIs, rank: 4, constant: nil)
    }

    /// A 4-D value in NCHW (a Transpose NHWC -> NCHW, or a rewritten constant).
    public mutating func channelsFirst(_ value: Value, node: String) -> Value {
        guard value.layout == .asIs else { return value }
        if let constant = value.constant, constant.shape.count == 4 {
            let name = fresh("\(value.name)/nchw")
            return Value(name: self.constant(Self.permute(constant, [0, 3, 1, 2]), name: name).name,
                         layout: .channelsFirst, rank: 4, constant: nil)
        }
        let out = emit("Transpose", name: "\(node)/to_nchw", inputs: [value.name], attributes: ["perm": .ints([0, 3, 1, 2])])
        return Value(name: out, layout: .channelsFirst, rank: 4, constant: nil)
    }

    /// NHWC axis -> NCHW axis for a channelsFirst value.
    static func nchwAxis(_ nhwc: Int) -> Int { [0, 2, 3, 1][nhwc] }

    /// A constant transposed by `perm` (weights layouts, NHWC constants).
    public static func permute(_ tensor: Tensor, _ perm: [Int]) -> Tensor {
        let shape = tensor.shape
        let outShape = perm.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) { inStrides[axis] = inStrides[axis + 1] * shape[axis + 1] }
        let values = tensor.floats
        var out = [Float](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for flat in 0..<values.count {
            var source = 0
            for axis in 0..<perm.count { source += index[axis] * inStrides[perm[axis]] }
            out[flat] = values[source]
            advanceRowMajor(&index, in: outShape)
        }
        return Tensor(shape: outShape, floats: out)
    }
}
