import Testing
@testable import VigilEngine

/// A Pad that pads nothing costs nothing, and a zero Pad before a MaxPool folds into the pool's own
/// pads only when its input cannot be negative.
@Suite struct PadFoldingTests {
    /// x → [Relu] → Pad (bottom/right by one, constant `value`) → MaxPool 3x3 stride 2, at opset 7
    /// (pads attribute) or 13 (pads input); `valid` gives the pool auto_pad VALID as Caffe exports do.
    func padThenPool(relu: Bool, opset: Int, value: Float = 0, valid: Bool = false) -> (graph: Graph, feeds: [String: Tensor]) {
        var nodes: [Node] = []
        var padInputs = [relu ? "r" : "x"]
        var padAttributes: [String: Attribute] = ["mode": .string("constant")]
        var graph = Graph(name: "pad-pool", nodes: [], outputs: ["y"])
        if relu { nodes.append(Node(name: "relu", opType: "Relu", opset: opset, inputs: ["x"], outputs: ["r"])) }
        if opset < 11 {
            padAttributes["pads"] = .ints([0, 0, 0, 0, 0, 0, 1, 1])
            padAttributes["value"] = .float(value)
        } else {
            padInputs.append("pads")
            padInputs.append("value")
            graph.initializers["value"] = Tensor(shape: [], floats: [value])
            graph.initializers["pads"] = Tensor(shape: [8], ints: [0, 0, 0, 0, 0, 0, 1, 1])
        }
        nodes.append(Node(name: "pad", opType: "Pad", opset: opset, inputs: padInputs, outputs: ["p"], attributes: padAttributes))
        var poolAttributes: [String: Attribute] = ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2])]
        if valid { poolAttributes["auto_pad"] = .string("VALID") }
        nodes.append(Node(name: "pool", opType: "MaxPool", opset: opset, inputs: ["p"], outputs: ["y"], attributes: poolAttributes))
        graph.nodes = nodes
        graph.inputs = [Graph.Input(name: "x", dtype: .float32, shape: [1, 2, 8, 8])]
        // All negative: wherever a window reaches the padding, the padded 0 is its maximum.
        return (graph, ["x": iota([1, 2, 8, 8], scale: -0.5, offset: -1)])
    }

    func run(_ graph: Graph, _ feeds: [String: Tensor], optimize: Bool) throws -> (y: Tensor, ops: [String: Int]) {
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: 1, optimize: optimize))
        return (try session.run(feeds)["y"]!, session.executedOps)
    }

    @Test(arguments: [7, 13])
    func padBeforeMaxPool_foldsAfterRelu(_ opset: Int) throws {
        let (graph, feeds) = padThenPool(relu: true, opset: opset)
        let folded = try run(graph, feeds, optimize: true)
        let plain = try run(graph, feeds, optimize: false)
        #expect(folded.ops["Pad"] == nil, "the Pad should fold into the MaxPool: \(folded.ops)")
        #expect(plain.ops["Pad"] == 1)
        #expect(folded.y.shape == [1, 2, 4, 4])
        #expect(folded.y.floats == plain.y.floats)
    }

    /// The 2018 Custom Vision exports: Concat of ReLUs → Pad with -FLT_MAX → MaxPool auto_pad VALID.
    @Test(arguments: [7, 13])
    func padBeforeMaxPool_foldsCaffeStylePadding(_ opset: Int) throws {
        let (graph, feeds) = padThenPool(relu: true, opset: opset, value: -.greatestFiniteMagnitude, valid: true)
        let folded = try run(graph, feeds, optimize: true)
        #expect(folded.ops["Pad"] == nil, "\(folded.ops)")
        #expect(folded.y.floats == (try run(graph, feeds, optimize: false)).y.floats)
    }

    /// Padding with -inf is what MaxPool's own pads mean, whatever the input.
    @Test func padBeforeMaxPool_foldsMinusInfinityPadding() throws {
        let (graph, feeds) = padThenPool(relu: false, opset: 13, value: -.infinity)
        let folded = try run(graph, feeds, optimize: true)
        #expect(folded.ops["Pad"] == nil, "\(folded.ops)")
        #expect(folded.y.floats == (try run(graph, feeds, optimize: false)).y.floats)
    }

    /// A positive pad value can beat non-negative inputs, so it stays.
    @Test func padBeforeMaxPool_staysWhenPadValueIsPositive() throws {
        let (graph, feeds) = padThenPool(relu: true, opset: 13, value: 100)
        let optimized = try run(graph, feeds, optimize: true)
        #expect(optimized.ops["Pad"] == 1)
        #expect(optimized.y.floats[3] == 100)
    }

    @Test(arguments: [7, 13])
    func padBeforeMaxPool_staysWhenInputMayBeNegative(_ opset: Int) throws {
        let (graph, feeds) = padThenPool(relu: false, opset: opset)
        let optimized = try run(graph, feeds, optimize: true)
        #expect(optimized.ops["Pad"] == 1, "folding would turn the padded zeros into ignored cells")
        // The last row and column of windows reach the padding, whose 0 beats every input value.
        #expect(optimized.y.floats == (try run(graph, feeds, optimize: false)).y.floats)
        #expect(optimized.y.floats[3] == 0)
        #expect(optimized.y.floats[0] == -1)
    }

    @Test func padOfNothing_isTheInputWithoutAKernel() throws {
        var graph = Graph(name: "pad-nothing", nodes: [
            Node(name: "pad", opType: "Pad", opset: 7, inputs: ["x"], outputs: ["p"], attributes: ["pads": .ints([0, 0, 0, 0, 0, 0, 0, 0])]),
            Node(name: "relu", opType: "Relu", opset: 7, inputs: ["p"], outputs: ["y"]),
        ], outputs: ["y"])
        graph.inputs = [Graph.Input(name: "x", dtype: .float32, shape: [1, 1, 2, 3])]
        let x = iota([1, 1, 2, 3], offset: -2)
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: 1))
        #expect(try session.run(["x": x])["y"]!.floats == [0, 0, 0, 1, 2, 3])
        #expect(session.executedOps["Pad"] == nil, "\(session.executedOps)")
    }
}
