import Testing
import VigilEngine
@testable import VigilTensorFlow

/// Mean, Max and Sum over NHWC axes, with and without keep_dims: the axes are the source's
/// (1, 2 = H, W; 3 = C), whatever layout the importer holds the tensor in.
@Suite struct GraphDefReductionTests {
    typealias Attr = GraphDefTestGraph.Attr
    typealias Reference = NHWCReference

    /// (reduction_indices, keep_dims).
    static let cases: [([Int], Bool)] = [
        ([1, 2], true), ([1, 2], false), ([3], true), ([3], false), ([1], true), ([1], false),
        ([0, 3], true), ([0, 3], false), ([-1], false), ([2, -3], false),
    ]

    static func reduce(_ op: String, _ x: NDArray, axes: [Int], keepDims: Bool, scalarAxis: Bool = false) throws -> Tensor? {
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("axes", ints: axes, shape: scalarAxis ? [] : nil)
        g.node("r", op, ["x", "axes"], ["keep_dims": Attr.bool(keepDims), "Tidx": Attr.type(.dtInt32)])
        return try g.run(x: x, output: "r")
    }

    static func expected(_ op: String) -> NHWCReference.Reduction {
        ["Mean": .mean, "Max": .max, "Sum": .sum][op]!
    }

    @Test(arguments: ["Mean", "Max"], cases)
    func reduction_overSourceAxes(_ op: String, _ spec: ([Int], Bool)) throws {
        let (axes, keepDims) = spec
        let x = NDArray.random([2, 3, 4, 5], seed: 41)
        expectClose(try Self.reduce(op, x, axes: axes, keepDims: keepDims),
                    Reference.reduce(x, axes: axes, keepDims: keepDims, Self.expected(op)), "\(op) \(axes) keep_dims \(keepDims)")
    }

    @Test func mean_scalarReductionIndex() throws {
        let x = NDArray.random([1, 3, 4, 5], seed: 42)
        expectClose(try Self.reduce("Mean", x, axes: [3], keepDims: false, scalarAxis: true),
                    Reference.reduce(x, axes: [3], keepDims: false, .mean))
    }

    @Test func sum_overAllAxes() throws {
        let x = NDArray.random([2, 3, 4, 5], seed: 43)
        expectClose(try Self.reduce("Sum", x, axes: [0, 1, 2, 3], keepDims: false),
                    Reference.reduce(x, axes: [0, 1, 2, 3], keepDims: false, .sum), abs: 1e-4)
    }

    /// Regression (fixed): the builder passes the axes of every reduction as an attribute, but ONNX
    /// ReduceSum takes them as an input from opset 13 (the builder's opset), so the engine
    /// ignores them and sums over every axis.
    @Test(arguments: cases)
    func sum_overSourceAxes(_ spec: ([Int], Bool)) throws {
        let (axes, keepDims) = spec
        let x = NDArray.random([2, 3, 4, 5], seed: 44)
        do {
            expectClose(try Self.reduce("Sum", x, axes: axes, keepDims: keepDims),
                        Reference.reduce(x, axes: axes, keepDims: keepDims, .sum), "Sum \(axes) keep_dims \(keepDims)")
        }
    }

    /// The global-average-pooling head: Mean over H, W without keep_dims, then a classifier.
    @Test func mean_spatialThenMatMul() throws {
        let x = NDArray.random([2, 3, 4, 5], seed: 45), w = NDArray.random([5, 3], seed: 46)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("axes", ints: [1, 2])
        g.constant("w", w)
        g.node("gap", "Mean", ["x", "axes"], ["keep_dims": Attr.bool(false)])
        g.node("logits", "MatMul", ["gap", "w"])
        expectClose(try g.run(x: x, output: "logits"),
                    Reference.matMul(Reference.reduce(x, axes: [1, 2], keepDims: false, .mean), w))
    }

    /// Mean with keep_dims, then Squeeze of the kept spatial axes: [N, C].
    @Test func mean_keptDimsThenSqueeze() throws {
        let x = NDArray.random([2, 3, 4, 5], seed: 47)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("axes", ints: [1, 2])
        g.node("mean", "Mean", ["x", "axes"], ["keep_dims": Attr.bool(true)])
        g.node("squeeze", "Squeeze", ["mean"], ["squeeze_dims": Attr.ints([1, 2])])
        expectClose(try g.run(x: x, output: "squeeze"), Reference.reduce(x, axes: [1, 2], keepDims: false, .mean))
    }
}
