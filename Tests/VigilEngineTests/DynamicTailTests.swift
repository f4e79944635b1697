import Foundation
import Testing
@testable import VigilEngine

/// Models whose shapes depend on values (detection exports: NonZero, NMS, If, Loop): the static
/// part runs from the arena, the rest is prepared again on every run with its values known.
@Suite struct DynamicTailTests {
    static func floats(_ values: [Float]) -> Tensor { Tensor(shape: [values.count], floats: values) }

    /// x → (x > 0.5) → NonZero → Squeeze → Gather(x) → ×2, beside a static Relu(x) output.
    static func thresholdGraph() -> Graph {
        var graph = Graph(name: "threshold", inputs: [Graph.Input(name: "x", dtype: .float32, shape: [6])], outputs: ["picked2", "relu"])
        graph.initializers["t"] = Tensor.scalar(0.5)
        graph.initializers["two"] = Tensor.scalar(2)
        graph.initializers["axes"] = Tensor(shape: [1], ints: [0])
        graph.nodes = [
            Node(name: "above", opType: "Greater", opset: 13, inputs: ["x", "t"], outputs: ["mask"]),
            Node(name: "where", opType: "NonZero", opset: 13, inputs: ["mask"], outputs: ["indices"]),
            Node(name: "flat", opType: "Squeeze", opset: 13, inputs: ["indices", "axes"], outputs: ["flatIndices"]),
            Node(name: "pick", opType: "Gather", opset: 13, inputs: ["x", "flatIndices"], outputs: ["picked"]),
            Node(name: "double", opType: "Mul", opset: 13, inputs: ["picked", "two"], outputs: ["picked2"]),
            Node(name: "relu", opType: "Relu", opset: 13, inputs: ["x"], outputs: ["relu"]),
        ]
        return graph
    }

    @Test func nonZeroChain_hasTheSizesOfEachRun() throws {
        let model = try PreparedModel(graph: Self.thresholdGraph(), options: SessionOptions(threads: 2))
        #expect(model.isDynamic && model.dynamicNodeCount == 4)
        #expect(model.outputs.map(\.isDynamic) == [true, false])
        let session = InferenceSession(model: model)
        for (input, expected) in [([0.1, 0.9, 0.2, 0.7, 0.6, 0.0], [1.8, 1.4, 1.2]), ([0, 0, 0, 0, 0, 0], []),
                                  ([1, 2, 3, 4, 5, 6], [2, 4, 6, 8, 10, 12])] as [([Float], [Float])] {
            let out = try session.run(["x": Self.floats(input)])
            #expect(out["picked2"]!.shape == [expected.count] && out["picked2"]!.floats == expected, "\(input)")
            #expect(out["relu"]!.floats == input.map { max($0, 0) })
            #expect(session.outputs[0].shape == [expected.count] && session.outputs[0].dtype == .float32)
            #expect(Array(session.outputBuffer(0)) == expected)
        }
    }

    /// If on ReduceMax(x) > 0: the branch reads x from the enclosing graph.
    static func ifGraph(condition: Tensor? = nil) -> Graph {
        var graph = Graph(name: "if", inputs: [Graph.Input(name: "x", dtype: .float32, shape: [3])], outputs: ["y"])
        graph.initializers["zero"] = Tensor.scalar(0)
        graph.initializers["two"] = Tensor.scalar(2)
        var thenBranch = Graph(name: "then", outputs: ["doubled"])
        thenBranch.nodes = [Node(name: "double", opType: "Mul", opset: 13, inputs: ["x", "two"], outputs: ["doubled"])]
        var elseBranch = Graph(name: "else", outputs: ["negated"])
        elseBranch.nodes = [Node(name: "negate", opType: "Neg", opset: 13, inputs: ["x"], outputs: ["negated"])]
        if let condition {
            graph.initializers["cond"] = condition
        } else {
            graph.nodes = [
                Node(name: "max", opType: "ReduceMax", opset: 13, inputs: ["x"], outputs: ["largest"], attributes: ["keepdims": .int(0)]),
                Node(name: "positive", opType: "Greater", opset: 13, inputs: ["largest", "zero"], outputs: ["cond"]),
            ]
        }
        graph.nodes.append(Node(name: "branch", opType: "If", opset: 13, inputs: ["cond"], outputs: ["y"],
                                attributes: ["then_branch": .graph(thenBranch), "else_branch": .graph(elseBranch)]))
        return graph
    }

    @Test func if_onAComputedCondition_takesTheBranchOfEachRun() throws {
        let session = try InferenceSession(graph: Self.ifGraph(), options: SessionOptions(threads: 1))
        #expect(session.model.isDynamic)
        #expect(try session.run(["x": Self.floats([1, -2, 3])])["y"]!.floats == [2, -4, 6])
        #expect(try session.run(["x": Self.floats([-1, -2, -3])])["y"]!.floats == [1, 2, 3])
    }

    @Test func if_onAKnownCondition_isInlinedIntoTheStaticPlan() throws {
        for (condition, expected) in [(true, [Float](arrayLiteral: 2, -4, 6)), (false, [-1, 2, -3])] {
            let session = try InferenceSession(graph: Self.ifGraph(condition: Tensor(shape: [1], bools: [condition])))
            #expect(!session.model.isDynamic)
            #expect(session.executedOps == [condition ? "Mul" : "Neg": 1])
            #expect(try session.run(["x": Self.floats([1, -2, 3])])["y"]!.floats == expected)
        }
    }

    /// A known condition whose branch holds a node with data-dependent size: the branch is
    /// inlined, that node and what follows run in the tail, and the If's output with them.
    @Test func if_onAKnownCondition_withADynamicBranch() throws {
        var graph = Graph(name: "if-dynamic", inputs: [Graph.Input(name: "x", dtype: .float32, shape: [4])], outputs: ["y"])
        graph.initializers["cond"] = Tensor(shape: [], bools: [true])
        var branch = Graph(name: "then", outputs: ["where"])
        branch.nodes = [Node(name: "where", opType: "NonZero", opset: 13, inputs: ["x"], outputs: ["where"])]
        var other = Graph(name: "else", outputs: ["same"])
        other.nodes = [Node(name: "same", opType: "Shape", opset: 13, inputs: ["x"], outputs: ["same"])]
        graph.nodes = [Node(name: "branch", opType: "If", opset: 13, inputs: ["cond"], outputs: ["y"],
                            attributes: ["then_branch": .graph(branch), "else_branch": .graph(other)])]
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: 1))
        #expect(session.model.isDynamic)
        let out = try session.run(["x": Self.floats([0, 3, 0, 5])])
        #expect(out["y"]!.shape == [1, 2] && out["y"]!.ints == [1, 3])
    }

    /// Loop, 3 trips: carried `acc` grows by Cast(i) each iteration (torchvision's paste-masks
    /// pattern), scan output `scaled` is x · i, stacked.
    @Test func loop_carriesValuesAndStacksScanOutputs() throws {
        var body = Graph(name: "body", inputs: [
            Graph.Input(name: "i", dtype: .int64, shape: []), Graph.Input(name: "c", dtype: .bool, shape: []),
            Graph.Input(name: "acc", dtype: .float32, shape: [nil]),
        ], outputs: ["c_out", "acc_out", "scaled"])
        body.initializers["axes"] = Tensor(shape: [1], ints: [0])
        body.nodes = [
            Node(name: "keep", opType: "Identity", opset: 13, inputs: ["c"], outputs: ["c_out"]),
            Node(name: "float_i", opType: "Cast", opset: 13, inputs: ["i"], outputs: ["fi"], attributes: ["to": .int(1)]),
            Node(name: "as_vector", opType: "Unsqueeze", opset: 13, inputs: ["fi", "axes"], outputs: ["fi1"]),
            Node(name: "append", opType: "Concat", opset: 13, inputs: ["acc", "fi1"], outputs: ["acc_out"], attributes: ["axis": .int(0)]),
            Node(name: "scale", opType: "Mul", opset: 13, inputs: ["x", "fi"], outputs: ["scaled"]),
        ]
        var graph = Graph(name: "loop", inputs: [Graph.Input(name: "x", dtype: .float32, shape: [2])], outputs: ["acc_final", "scans"])
        graph.initializers["trips"] = Tensor(shape: [], ints: [3])
        graph.initializers["yes"] = Tensor(shape: [], bools: [true])
        graph.initializers["empty"] = Tensor(shape: [0], floats: [])
        graph.nodes = [Node(name: "loop", opType: "Loop", opset: 13, inputs: ["trips", "yes", "empty"], outputs: ["acc_final", "scans"],
                            attributes: ["body": .graph(body)])]
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: 1))
        #expect(session.model.isDynamic)
        let out = try session.run(["x": Self.floats([1, 10])])
        #expect(out["acc_final"]!.shape == [3] && out["acc_final"]!.floats == [0, 1, 2])
        #expect(out["scans"]!.shape == [3, 2] && out["scans"]!.floats == [0, 0, 1, 10, 2, 20])
    }

    /// A run whose values the model's own ops reject fails that run, naming the node; the next
    /// run is unaffected.
    @Test func tailFailure_isReportedForThatRunOnly() throws {
        var graph = Self.thresholdGraph()
        graph.initializers["pair"] = Tensor(shape: [2], ints: [2, 1])
        graph.nodes.append(Node(name: "as_pair", opType: "Reshape", opset: 13, inputs: ["picked2", "pair"], outputs: ["pairs"]))
        graph.outputs = ["pairs"]
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: 1))
        let error = try #require(throws: EngineError.self) { try session.run(["x": Self.floats([1, 1, 1, 0, 0, 0])]) }
        #expect(error.description.contains("as_pair"), "\(error)")
        #expect(session.lastRunError != nil)
        let out = try session.run(["x": Self.floats([1, 0, 3, 0, 0, 0])])
        #expect(out["pairs"]!.shape == [2, 1] && out["pairs"]!.floats == [2, 6])
        #expect(session.lastRunError == nil)
    }
}
