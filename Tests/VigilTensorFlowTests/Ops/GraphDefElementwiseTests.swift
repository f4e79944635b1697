import Foundation
import Testing
import VigilEngine
@testable import VigilTensorFlow

/// Activations, unary maths, Cast and broadcasting binary ops of a frozen GraphDef: a constant
/// or lower-rank operand must broadcast against an NHWC tensor as numpy does, whatever layout
/// the importer holds the tensor in.
@Suite struct GraphDefElementwiseTests {
    typealias Attr = GraphDefTestGraph.Attr
    typealias Reference = NHWCReference

    /// One unary node over a placeholder of `shape`.
    static func unary(_ op: String, _ x: NDArray, _ attr: [String: Tensorflow_AttrValue] = [:]) throws -> Tensor? {
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.node("y", op, ["x"], attr)
        return try g.run(x: x, output: "y")
    }

    static let shapes: [[Int]] = [[2, 3, 4, 5], [3, 7]]

    @Test(arguments: shapes)
    func relu6_clipsToZeroAndSix(_ shape: [Int]) throws {
        let x = NDArray.random(shape, seed: 21, in: -8...8)
        expectClose(try Self.unary("Relu6", x), Reference.map(x) { min(max($0, 0), 6) })
    }

    @Test(arguments: shapes)
    func leakyRelu_alphaAndItsDefault(_ shape: [Int]) throws {
        let x = NDArray.random(shape, seed: 22, in: -4...4)
        expectClose(try Self.unary("LeakyRelu", x, ["alpha": Attr.float(0.1)]), Reference.map(x) { $0 < 0 ? 0.1 * $0 : $0 }, "alpha 0.1")
        expectClose(try Self.unary("LeakyRelu", x), Reference.map(x) { $0 < 0 ? Double(Float(0.2)) * $0 : $0 }, "default alpha 0.2")
    }

    @Test(arguments: shapes)
    func elu_isExpMinusOneBelowZero(_ shape: [Int]) throws {
        let x = NDArray.random(shape, seed: 23, in: -4...4)
        expectClose(try Self.unary("Elu", x), Reference.map(x) { $0 < 0 ? Foundation.exp($0) - 1 : $0 })
    }

    @Test(arguments: shapes)
    func rsqrtSqrtSquare_onPositiveInputs(_ shape: [Int]) throws {
        let x = NDArray.random(shape, seed: 24, in: 0.1...4)
        expectClose(try Self.unary("Rsqrt", x), Reference.map(x) { 1 / $0.squareRoot() }, "Rsqrt")
        expectClose(try Self.unary("Sqrt", x), Reference.map(x) { $0.squareRoot() }, "Sqrt")
        expectClose(try Self.unary("Square", NDArray.random(shape, seed: 25, in: -3...3)),
                    Reference.map(NDArray.random(shape, seed: 25, in: -3...3)) { $0 * $0 }, "Square")
    }

    // MARK: binary ops and broadcasting

    static let binaryOps: [(String, @Sendable (Double, Double) -> Double)] = [
        ("Add", { $0 + $1 }), ("AddV2", { $0 + $1 }), ("Sub", { $0 - $1 }), ("Mul", { $0 * $1 }), ("RealDiv", { $0 / $1 }),
        ("Maximum", { max($0, $1) }), ("Minimum", { min($0, $1) }),
    ]

    /// The shapes a constant operand of an NHWC [N, H, W, C] tensor takes in real graphs.
    static let constantShapes: [[Int]] = [[4], [1, 1, 1, 4], [], [2, 1, 4], [1, 2, 1, 1], [2, 1, 3, 1], [3, 4]]

    /// x (runtime, [2, 2, 3, 4]) op c and c op x for every op and constant shape.
    @Test(arguments: constantShapes)
    func binary_broadcastsAConstantEitherSide(_ constantShape: [Int]) throws {
        let x = NDArray.random([2, 2, 3, 4], seed: 26, in: 0.5...2)
        let c = NDArray.random(constantShape, seed: 27, in: 0.5...2)
        for (op, f) in Self.binaryOps {
            var g = GraphDefTestGraph()
            g.placeholder("x", x.shape)
            g.constant("c", c)
            g.node("xc", op, ["x", "c"])
            g.node("cx", op, ["c", "x"])
            let outputs = try g.run(["x": x.tensor], outputs: ["xc", "cx"])
            expectClose(outputs["xc:0"], Reference.broadcast(x, c, f), "x \(op) c\(constantShape)")
            expectClose(outputs["cx:0"], Reference.broadcast(c, x, f), "c\(constantShape) \(op) x")
        }
    }

    /// x − mean(x) over H and W with keep_dims: [N, H, W, C] against a runtime [N, 1, 1, C].
    @Test func binary_runtimeTensorAgainstKeptDimsMean() throws {
        let x = NDArray.random([2, 3, 5, 4], seed: 28, in: 0.5...2)
        let mean = Reference.reduce(x, axes: [1, 2], keepDims: true, .mean)
        for (op, f) in Self.binaryOps {
            var g = GraphDefTestGraph()
            g.placeholder("x", x.shape)
            g.constant("axes", ints: [1, 2])
            g.node("mean", "Mean", ["x", "axes"], ["keep_dims": Attr.bool(true)])
            g.node("xm", op, ["x", "mean"])
            g.node("mx", op, ["mean", "x"])
            let outputs = try g.run(["x": x.tensor], outputs: ["xm", "mx"])
            expectClose(outputs["xm:0"], Reference.broadcast(x, mean, f), "x \(op) mean")
            expectClose(outputs["mx:0"], Reference.broadcast(mean, x, f), "mean \(op) x")
        }
    }

    /// Two runtime tensors of lower rank than 4 broadcast right-aligned against the NHWC tensor.
    @Test func binary_runtimeLowerRankTensor() throws {
        let x = NDArray.random([1, 2, 3, 4], seed: 29), v = NDArray.random([3, 4], seed: 30)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.placeholder("v", v.shape)
        g.node("y", "Mul", ["x", "v"])
        let outputs = try g.run(["x": x.tensor, "v": v.tensor], outputs: ["y"])
        expectClose(outputs["y:0"], Reference.broadcast(x, v, *))
    }

    /// A 4-D operand made by Reshape is NHWC like the placeholder it meets.
    @Test func binary_reshapedFourDimensionalOperand() throws {
        let x = NDArray.random([1, 2, 3, 4], seed: 33), v = NDArray.random([24], seed: 34)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.placeholder("v", v.shape)
        g.constant("shape", ints: [1, 2, 3, 4])
        g.node("reshaped", "Reshape", ["v", "shape"])
        g.node("y", "Sub", ["x", "reshaped"])
        let outputs = try g.run(["x": x.tensor, "v": v.tensor], outputs: ["y"])
        expectClose(outputs["y:0"], Reference.broadcast(x, v.reshaped([1, 2, 3, 4]), -))
    }

    /// Two 2-D operands keep plain numpy semantics.
    @Test func binary_twoDimensionalWithRowConstant() throws {
        let x = NDArray.random([3, 5], seed: 31), c = NDArray.random([5], seed: 32)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("c", c)
        g.node("y", "Sub", ["c", "x"])
        expectClose(try g.run(x: x, output: "y"), Reference.broadcast(c, x, -))
    }

    // MARK: Cast

    @Test func cast_uint8ImageToFloat() throws {
        let pixels: [Int64] = (0..<36).map { (index: Int) -> Int64 in Int64(index * 37 % 256) }
        var g = GraphDefTestGraph()
        g.placeholder("image", [1, 3, 4, 3], dtype: .dtUint8)
        g.node("cast", "Cast", ["image"], ["SrcT": Attr.type(.dtUint8), "DstT": Attr.type(.dtFloat)])
        g.constant("scale", NDArray(shape: [], values: [1 / 255]))
        g.node("scaled", "Mul", ["cast", "scale"])
        let outputs = try g.run(["image": Tensor(shape: [1, 3, 4, 3], ints: pixels, dtype: .uint8)], outputs: ["scaled"])
        expectClose(outputs["scaled:0"], NDArray(shape: [1, 3, 4, 3], values: pixels.map { Float($0) * Float(1 / 255.0) }))
    }

    @Test func cast_floatToInt32TruncatesTowardZero() throws {
        let x = NDArray(shape: [1, 2, 2, 2], values: [-1.7, -0.5, 0.5, 1.7, 2.999, -2.999, 100.25, -0])
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.node("cast", "Cast", ["x"], ["SrcT": Attr.type(.dtFloat), "DstT": Attr.type(.dtInt32)])
        let y = try #require(try g.run(x: x, output: "cast"))
        #expect(y.dtype == .int32)
        #expect(y.shape == [1, 2, 2, 2])
        #expect(y.ints == [-1, 0, 0, 1, 2, -2, 100, 0])
    }
}
