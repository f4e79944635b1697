import Testing
import VigilEngine
@testable import VigilTensorFlow

/// Concatenation, reshapes, padding and transposes of a frozen GraphDef: axes and paddings are
/// NHWC, and a reshape flattens in NHWC order even though the importer computes in NCHW.
@Suite struct GraphDefShapeTests {
    typealias Attr = GraphDefTestGraph.Attr
    typealias Reference = NHWCReference

    /// ConcatV2 of the runtime input, a Relu of it and a constant on `axis` (-1 is C).
    @Test(arguments: [3, -1, 1, 2, 0])
    func concatV2_onSourceAxis(_ axis: Int) throws {
        let x = NDArray.random([2, 3, 4, 2], seed: 71)
        var constantShape = x.shape
        constantShape[axis < 0 ? axis + 4 : axis] = 1
        let c = NDArray.random(constantShape, seed: 72)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("c", c)
        g.constant("axis", ints: [axis], shape: [])
        g.node("relu", "Relu", ["x"])
        g.node("concat", "ConcatV2", ["x", "c", "relu", "axis"], ["N": Attr.int(3), "Tidx": Attr.type(.dtInt32)])
        let relu = Reference.map(x) { max($0, 0) }
        let expected = Reference.concatenate([x, c, relu], axis: axis < 0 ? axis + 4 : axis)
        expectClose(try g.run(x: x, output: "concat"), expected, "axis \(axis)")
    }

    @Test func concatV2_twoDimensional() throws {
        let x = NDArray.random([2, 3], seed: 73), c = NDArray.random([2, 2], seed: 74)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("c", c)
        g.constant("axis", ints: [-1], shape: [])
        g.node("concat", "ConcatV2", ["c", "x", "axis"])
        expectClose(try g.run(x: x, output: "concat"), Reference.concatenate([c, x], axis: 1))
    }

    /// Reshape of a 4-D tensor to [N, -1] keeps TensorFlow's NHWC element order.
    @Test(arguments: [[2, -1], [-1, 24], [2, 4, 6], [2, 12, 1, 2]])
    func reshape_flattensInNHWCOrder(_ target: [Int]) throws {
        let x = NDArray.random([2, 2, 3, 4], seed: 75)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.node("relu", "Relu", ["x"])
        g.constant("shape", ints: target)
        g.node("reshape", "Reshape", ["relu", "shape"])
        let known = target.filter { $0 != -1 }.reduce(1, *)
        let shape = target.map { $0 == -1 ? x.values.count / known : $0 }
        expectClose(try g.run(x: x, output: "reshape"), Reference.map(x) { max($0, 0) }.reshaped(shape), "\(target)")
    }

    /// A reshape to 4-D feeding a convolution: the reshaped tensor is NHWC again.
    @Test func reshape_toFourDimensionsThenConv2D() throws {
        let x = NDArray.random([1, 48], seed: 76), filter = NDArray.random([3, 3, 3, 2], seed: 77)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("shape", ints: [1, 4, 4, 3])
        g.constant("w", filter)
        g.node("reshape", "Reshape", ["x", "shape"])
        g.node("conv", "Conv2D", ["reshape", "w"], ["strides": Attr.ints([1, 1, 1, 1]), "padding": Attr.string("SAME")])
        expectClose(try g.run(x: x, output: "conv"),
                    Reference.conv2D(x.reshaped([1, 4, 4, 3]), filter: filter, strides: [1, 1], padding: .same))
    }

    @Test(arguments: [([2], [2, 3, 4]), ([-2], [2, 3, 4]), ([], [2, 3, 4])])
    func squeeze_sourceAxes(_ spec: ([Int], [Int])) throws {
        let (dims, expectedShape) = spec
        let x = NDArray.random([2, 3, 1, 4], seed: 78)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.node("relu", "Relu", ["x"])
        g.node("squeeze", "Squeeze", ["relu"], dims.isEmpty ? [:] : ["squeeze_dims": Attr.ints(dims)])
        expectClose(try g.run(x: x, output: "squeeze"), Reference.map(x) { max($0, 0) }.reshaped(expectedShape), "\(dims)")
    }

    @Test func squeeze_allUnitAxesOfAOneByOneMap() throws {
        let x = NDArray.random([1, 1, 1, 5], seed: 79)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.node("relu", "Relu", ["x"])
        g.node("squeeze", "Squeeze", ["relu"])
        expectClose(try g.run(x: x, output: "squeeze"), Reference.map(x) { max($0, 0) }.reshaped([5]))
    }

    @Test(arguments: [(0, [1, 2, 5]), (1, [2, 1, 5]), (2, [2, 5, 1]), (-1, [2, 5, 1]), (-3, [1, 2, 5])])
    func expandDims_insertsAtSourceAxis(_ spec: (Int, [Int])) throws {
        let (dim, expectedShape) = spec
        let x = NDArray.random([2, 5], seed: 80)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("dim", ints: [dim], shape: [])
        g.node("expand", "ExpandDims", ["x", "dim"])
        expectClose(try g.run(x: x, output: "expand"), x.reshaped(expectedShape), "dim \(dim)")
    }

    @Test func expandDims_ofAFourDimensionalTensor() throws {
        let x = NDArray.random([1, 2, 3, 4], seed: 81)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.node("relu", "Relu", ["x"])
        g.constant("dim", ints: [-1], shape: [])
        g.node("expand", "ExpandDims", ["relu", "dim"])
        expectClose(try g.run(x: x, output: "expand"), Reference.map(x) { max($0, 0) }.reshaped([1, 2, 3, 4, 1]))
    }

    static let pairs: [(Int, Int)] = [(0, 0), (1, 2), (2, 0), (0, 1)]

    @Test func pad_nhwcPaddings() throws {
        let x = NDArray.random([2, 3, 4, 2], seed: 82)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("paddings", ints: Self.pairs.flatMap { [$0.0, $0.1] }, shape: [4, 2])
        g.node("pad", "Pad", ["x", "paddings"])
        expectClose(try g.run(x: x, output: "pad"), Reference.pad(x, Self.pairs, mode: .constant(0)))
    }

    @Test func padV2_constantValueAndBatchPadding() throws {
        let x = NDArray.random([1, 3, 2, 2], seed: 83)
        let pairs = [(1, 0), (0, 1), (1, 1), (2, 0)]
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("paddings", ints: pairs.flatMap { [$0.0, $0.1] }, shape: [4, 2])
        g.constant("value", NDArray(shape: [], values: [-0.5]))
        g.node("pad", "PadV2", ["x", "paddings", "value"])
        expectClose(try g.run(x: x, output: "pad"), Reference.pad(x, pairs, mode: .constant(-0.5)))
    }

    @Test func pad_twoDimensional() throws {
        let x = NDArray.random([2, 3], seed: 84)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("paddings", ints: [1, 0, 0, 2], shape: [2, 2])
        g.node("pad", "Pad", ["x", "paddings"])
        expectClose(try g.run(x: x, output: "pad"), Reference.pad(x, [(1, 0), (0, 2)], mode: .constant(0)))
    }

    @Test(arguments: [[(0, 0), (1, 2), (2, 1), (0, 0)], [(0, 0), (0, 0), (1, 1), (1, 2)]])
    func mirrorPad_reflect(_ pairs: [(Int, Int)]) throws {
        let x = NDArray.random([1, 4, 5, 3], seed: 85)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("paddings", ints: pairs.flatMap { [$0.0, $0.1] }, shape: [4, 2])
        g.node("pad", "MirrorPad", ["x", "paddings"], ["mode": Attr.string("REFLECT")])
        expectClose(try g.run(x: x, output: "pad"), Reference.pad(x, pairs, mode: .reflect), "\(pairs)")
    }

    @Test(arguments: [[0, 3, 1, 2], [0, 2, 1, 3], [3, 2, 1, 0]])
    func transpose_fourDimensional(_ perm: [Int]) throws {
        let x = NDArray.random([2, 3, 4, 5], seed: 86)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("perm", ints: perm)
        g.node("t", "Transpose", ["x", "perm"])
        expectClose(try g.run(x: x, output: "t"), Reference.transpose(x, perm), "\(perm)")
    }

    /// A transpose to NCHW then a reshape: the result is the NCHW flattening, as in TensorFlow.
    @Test func transpose_thenReshape() throws {
        let x = NDArray.random([1, 2, 3, 4], seed: 87)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("perm", ints: [0, 3, 1, 2])
        g.constant("shape", ints: [1, -1])
        g.node("t", "Transpose", ["x", "perm"])
        g.node("flat", "Reshape", ["t", "shape"])
        expectClose(try g.run(x: x, output: "flat"), Reference.transpose(x, [0, 3, 1, 2]).reshaped([1, 24]))
    }
}
