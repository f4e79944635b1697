import Foundation
import Testing
@testable import VigilEngine

/// A BatchNormalization right before an unpadded Conv folds into the Conv's weights and bias.
@Suite struct BatchNormFoldingTests {
    /// x [1, 4, 9, 9] → BatchNormalization → Conv 3x3 (stride 2, `groups`, `pads`) → y.
    func graph(pads: [Int], groups: Int = 1) -> (Graph, [String: Tensor]) {
        var graph = Graph(name: "bn-conv", nodes: [], outputs: ["y"])
        graph.nodes = [
            Node(name: "bn", opType: "BatchNormalization", opset: 13, inputs: ["x", "gamma", "beta", "mean", "var"], outputs: ["n"],
                 attributes: ["epsilon": .float(1e-3)]),
            Node(name: "conv", opType: "Conv", opset: 13, inputs: ["n", "w", "b"], outputs: ["y"],
                 attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints(pads), "group": .int(groups)]),
        ]
        graph.initializers = [
            "gamma": Tensor(shape: [4], floats: [0.5, 2, -1, 1.5]), "beta": Tensor(shape: [4], floats: [0.1, -3, 2, 0]),
            "mean": Tensor(shape: [4], floats: [100, 20, -5, 0.5]), "var": Tensor(shape: [4], floats: [400, 9, 1, 0.25]),
            "w": ConcatInPlaceTests.waves([6, 4 / groups, 3, 3], phase: 1), "b": ConcatInPlaceTests.waves([6], phase: 2),
        ]
        graph.inputs = [Graph.Input(name: "x", dtype: .float32, shape: [1, 4, 9, 9])]
        return (graph, ["x": iota([1, 4, 9, 9], scale: 0.7, offset: -20)])
    }

    func run(_ graph: Graph, _ feeds: [String: Tensor], optimize: Bool) throws -> (y: [Float], ops: [String: Int]) {
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: 1, optimize: optimize))
        return (try session.run(feeds)["y"]!.floats, session.executedOps)
    }

    @Test(arguments: [1, 2])
    func batchNorm_foldsIntoAnUnpaddedConv(groups: Int) throws {
        let (graph, feeds) = graph(pads: [0, 0, 0, 0], groups: groups)
        let folded = try run(graph, feeds, optimize: true)
        let plain = try run(graph, feeds, optimize: false)
        #expect(folded.ops["BatchNormalization"] == nil, "\(folded.ops)")
        #expect(plain.ops["BatchNormalization"] == 1)
        #expect(folded.y.count == 6 * 4 * 4)
        let worst = zip(folded.y, plain.y).map { abs($0 - $1) / max(1, abs($1)) }.max()!
        #expect(worst < 1e-5, "folded and unfolded results differ by \(worst) (relative)")
    }

    /// Padding would feed the Conv zeros of the normalised image, which the folded form cannot.
    @Test func batchNorm_staysBeforeAPaddedConv() throws {
        let (graph, feeds) = graph(pads: [1, 1, 1, 1])
        let optimized = try run(graph, feeds, optimize: true)
        #expect(optimized.ops["BatchNormalization"] == 1, "\(optimized.ops)")
        #expect(optimized.y == (try run(graph, feeds, optimize: false)).y)
    }
}
