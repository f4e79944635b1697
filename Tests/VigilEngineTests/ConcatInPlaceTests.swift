import Foundation
import Testing
@testable import VigilEngine

/// A Concat whose leading dimensions are 1 costs nothing: its producers write straight into their
/// slices of its output. Where that is not safe (a batch, an input read elsewhere), it still copies.
@Suite struct ConcatInPlaceTests {
    static func waves(_ shape: [Int], phase: Float) -> Tensor {
        Tensor(shape: shape, floats: (0..<shape.reduce(1, *)).map { sin(Float($0) * 0.37 + phase) * 0.5 })
    }

    /// A SqueezeNet fire module: x → squeeze 1x1 + Relu → (expand 1x1, expand 3x3 pad 1) → Concat
    /// on channels (in `order`) → Relu → y. The 3x3 runs through Winograd (17x17: 25 tiles, cut ones
    /// at the edges). `extraReader` also returns the 1x1 expansion as a graph output.
    func fireModule(batch: Int, order: [String] = ["e1", "e3"], extraReader: Bool = false) -> (Graph, [String: Tensor]) {
        var graph = Graph(name: "fire", nodes: [], outputs: extraReader ? ["y", "e1"] : ["y"])
        let conv1: [String: Attribute] = ["kernel_shape": .ints([1, 1])]
        let conv3: [String: Attribute] = ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])]
        graph.nodes = [
            Node(name: "squeeze", opType: "Conv", opset: 13, inputs: ["x", "ws", "bs"], outputs: ["s0"], attributes: conv1),
            Node(name: "squeeze_relu", opType: "Relu", opset: 13, inputs: ["s0"], outputs: ["s"]),
            Node(name: "expand1", opType: "Conv", opset: 13, inputs: ["s", "w1", "b1"], outputs: ["e1"], attributes: conv1),
            Node(name: "expand3", opType: "Conv", opset: 13, inputs: ["s", "w3", "b3"], outputs: ["e3"], attributes: conv3),
            Node(name: "concat", opType: "Concat", opset: 13, inputs: order, outputs: ["c"], attributes: ["axis": .int(1)]),
            Node(name: "relu", opType: "Relu", opset: 13, inputs: ["c"], outputs: ["y"]),
        ]
        graph.initializers = [
            "ws": Self.waves([6, 5, 1, 1], phase: 0), "bs": Self.waves([6], phase: 1),
            "w1": Self.waves([7, 6, 1, 1], phase: 2), "b1": Self.waves([7], phase: 3),
            "w3": Self.waves([9, 6, 3, 3], phase: 4), "b3": Self.waves([9], phase: 5),
        ]
        graph.inputs = [Graph.Input(name: "x", dtype: .float32, shape: [batch, 5, 17, 17])]
        return (graph, ["x": Self.waves([batch, 5, 17, 17], phase: 6)])
    }

    /// The first element where two results differ (bit for bit), or nil.
    func difference(_ a: [Float]?, _ b: [Float]?) -> String? {
        guard let a, let b else { return "missing output" }
        guard a.count == b.count else { return "\(a.count) elements against \(b.count)" }
        guard let i = a.indices.first(where: { a[$0].bitPattern != b[$0].bitPattern }) else { return nil }
        return "element \(i): \(a[i]) against \(b[i])"
    }

    func run(_ graph: Graph, _ feeds: [String: Tensor], optimize: Bool) throws -> (outputs: [String: Tensor], ops: [String: Int]) {
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: 1, optimize: optimize))
        return (try session.run(feeds), session.executedOps)
    }

    @Test(arguments: [["e1", "e3"], ["e3", "e1"]])
    func concat_isElidedWhenItsInputsAreOnlyConcatenated(_ order: [String]) throws {
        let (graph, feeds) = fireModule(batch: 1, order: order)
        let inPlace = try run(graph, feeds, optimize: true)
        let copied = try run(graph, feeds, optimize: false)
        #expect(inPlace.ops["Concat"] == nil, "\(inPlace.ops)")
        #expect(copied.ops["Concat"] == 1)
        let y = try #require(inPlace.outputs["y"]), reference = try #require(copied.outputs["y"])
        #expect(y.shape == [1, 16, 17, 17])
        #expect(difference(y.floats, reference.floats) == nil)
    }

    @Test func concat_copiesWhenAnInputIsAlsoAGraphOutput() throws {
        let (graph, feeds) = fireModule(batch: 1, extraReader: true)
        let optimized = try run(graph, feeds, optimize: true)
        let reference = try run(graph, feeds, optimize: false)
        #expect(optimized.ops["Concat"] == 1, "\(optimized.ops)")
        #expect(difference(optimized.outputs["y"]?.floats, reference.outputs["y"]?.floats) == nil)
        #expect(difference(optimized.outputs["e1"]?.floats, reference.outputs["e1"]?.floats) == nil)
    }

    /// With a batch of 2, each input is two blocks of the output, not one.
    @Test func concat_copiesWhenTheInputsAreNotContiguousSlices() throws {
        let (graph, feeds) = fireModule(batch: 2)
        let optimized = try run(graph, feeds, optimize: true)
        #expect(optimized.ops["Concat"] == 1, "\(optimized.ops)")
        #expect(difference(optimized.outputs["y"]?.floats, try run(graph, feeds, optimize: false).outputs["y"]?.floats) == nil)
    }
}
