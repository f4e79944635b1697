import Testing
import VigilEngine
@testable import VigilTensorFlow

/// StridedSlice with begin/end/shrink masks, and the Keras flatten pattern
/// Shape -> StridedSlice -> Pack -> Reshape, which must fold to a constant shape at load.
@Suite struct GraphDefSliceTests {
    typealias Attr = GraphDefTestGraph.Attr
    typealias Reference = NHWCReference

    struct SliceCase: Sendable, CustomTestStringConvertible {
        var name: String
        var begin: [Int], end: [Int], strides: [Int]
        var beginMask = 0, endMask = 0, shrinkAxisMask = 0
        var testDescription: String { name }
    }

    static let cases: [SliceCase] = [
        SliceCase(name: "negative bounds, masked batch", begin: [0, 1, -5, 0], end: [0, -1, 6, 2], strides: [1, 1, 2, 1],
                  beginMask: 0b0001, endMask: 0b0001),
        SliceCase(name: "reverse H", begin: [0, -1, 0, 0], end: [0, 0, 0, 0], strides: [1, -1, 1, 1],
                  beginMask: 0b1101, endMask: 0b1101),
        SliceCase(name: "reverse W by 2 to the start", begin: [0, 0, 4, 0], end: [0, 0, 0, 0], strides: [1, 1, -2, 1],
                  beginMask: 0b1011, endMask: 0b1111),
        SliceCase(name: "partial spec", begin: [1], end: [2], strides: [1]),
        SliceCase(name: "end past the dim, stride 3", begin: [0, 0, 0, 0], end: [0, 10, 0, 0], strides: [1, 3, 1, 1],
                  beginMask: 0b1101, endMask: 0b1101),
        SliceCase(name: "shrink every spec axis", begin: [1], end: [2], strides: [1], shrinkAxisMask: 0b1),
    ]

    /// Shrinks of some but not all of the spec's axes (x[:, 2, :, 1], x[..., -1], x[1]).
    static let shrinkCases: [SliceCase] = [
        SliceCase(name: "shrink H and C", begin: [0, 2, 0, 1], end: [1, 3, 6, 2], strides: [1, 1, 1, 1],
                  beginMask: 0b0100, endMask: 0b0100, shrinkAxisMask: 0b1010),
        SliceCase(name: "last channel", begin: [0, 0, 0, -1], end: [0, 0, 0, 0], strides: [1, 1, 1, 1],
                  beginMask: 0b0111, endMask: 0b0111, shrinkAxisMask: 0b1000),
        SliceCase(name: "shrink batch", begin: [1, 0, 0, 0], end: [2, 0, 0, 0], strides: [1, 1, 1, 1],
                  beginMask: 0b1110, endMask: 0b1110, shrinkAxisMask: 0b0001),
    ]

    static func slice(_ x: NDArray, _ c: SliceCase, relu: Bool = true) throws -> Tensor? {
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.node("relu", "Relu", ["x"])
        g.constant("begin", ints: c.begin)
        g.constant("end", ints: c.end)
        g.constant("strides", ints: c.strides)
        g.node("slice", "StridedSlice", [relu ? "relu" : "x", "begin", "end", "strides"], [
            "begin_mask": Attr.int(c.beginMask), "end_mask": Attr.int(c.endMask), "shrink_axis_mask": Attr.int(c.shrinkAxisMask),
            "ellipsis_mask": Attr.int(0), "new_axis_mask": Attr.int(0), "T": Attr.type(.dtFloat), "Index": Attr.type(.dtInt32),
        ])
        return try g.run(x: x, output: "slice")
    }

    static func expected(_ x: NDArray, _ c: SliceCase, relu: Bool = true) -> NDArray {
        Reference.stridedSlice(relu ? Reference.map(x) { max($0, 0) } : x, begin: c.begin, end: c.end, strides: c.strides,
                               beginMask: c.beginMask, endMask: c.endMask, shrinkAxisMask: c.shrinkAxisMask)
    }

    @Test(arguments: cases)
    func stridedSlice_fourDimensional(_ c: SliceCase) throws {
        let x = NDArray.random([2, 5, 6, 3], seed: 91)
        expectClose(try Self.slice(x, c), Self.expected(x, c))
    }

    /// Regression (fixed): the Slice's axes constant and the Squeeze's are both named "<node>/axes", so
    /// the Squeeze's axes replace the Slice's and the session refuses the graph (the lists only
    /// coincide when every axis of the spec shrinks, as in the Keras flatten pattern).
    @Test(arguments: shrinkCases)
    func stridedSlice_shrinkSomeAxes(_ c: SliceCase) throws {
        let x = NDArray.random([2, 5, 6, 3], seed: 91)
        do {
            expectClose(try Self.slice(x, c), Self.expected(x, c))
        }
    }

    @Test func stridedSlice_shrinkAColumnOfAMatrix() throws {
        let x = NDArray.random([2, 5], seed: 92)
        let c = SliceCase(name: "column 2", begin: [0, 2], end: [0, 3], strides: [1, 1], beginMask: 1, endMask: 1, shrinkAxisMask: 2)
        do {
            expectClose(try Self.slice(x, c, relu: false), Self.expected(x, c, relu: false))
        }
    }

    /// Regression (fixed): TensorFlow's kernel ignores begin_mask on a shrink axis (the element is
    /// begin[i]); the importer applies the mask first and takes element 0.
    @Test func stridedSlice_shrinkAxisIgnoresBeginMask() throws {
        let x = NDArray.random([2, 5, 6, 3], seed: 93)
        let c = SliceCase(name: "shrink H with its begin bit set", begin: [0, 3, 0, 0], end: [0, 4, 0, 0], strides: [1, 1, 1, 1],
                          beginMask: 0b1111, endMask: 0b1101, shrinkAxisMask: 0b0010)
        do {
            expectClose(try Self.slice(x, c), Self.expected(x, c))
        }
    }

    /// The Keras Flatten of a graph with a dynamic batch: Reshape(x, Pack(StridedSlice(Shape(x)), -1)),
    /// all int32 as TensorFlow makes them.
    static func kerasFlatten(_ x: NDArray, weights w: NDArray) -> GraphDefTestGraph {
        var g = GraphDefTestGraph()
        g.placeholder("x", [-1] + x.shape.dropFirst())
        g.constant("w", w)
        g.node("relu", "Relu", ["x"])
        g.node("flatten/Shape", "Shape", ["relu"], ["T": Attr.type(.dtFloat), "out_type": Attr.type(.dtInt32)])
        g.constant("flatten/stack", ints: [0])
        g.constant("flatten/stack_1", ints: [1])
        g.constant("flatten/stack_2", ints: [1])
        g.node("flatten/strided_slice", "StridedSlice", ["flatten/Shape", "flatten/stack", "flatten/stack_1", "flatten/stack_2"], [
            "T": Attr.type(.dtInt32), "Index": Attr.type(.dtInt32), "shrink_axis_mask": Attr.int(1),
            "begin_mask": Attr.int(0), "end_mask": Attr.int(0), "ellipsis_mask": Attr.int(0), "new_axis_mask": Attr.int(0),
        ])
        g.constant("flatten/Reshape/shape/1", ints: [-1], shape: [])
        g.node("flatten/Reshape/shape", "Pack", ["flatten/strided_slice", "flatten/Reshape/shape/1"],
               ["N": Attr.int(2), "T": Attr.type(.dtInt32), "axis": Attr.int(0)])
        g.node("flatten/Reshape", "Reshape", ["relu", "flatten/Reshape/shape"], ["T": Attr.type(.dtFloat), "Tshape": Attr.type(.dtInt32)])
        g.node("dense", "MatMul", ["flatten/Reshape", "w"])
        return g
    }

    /// Regression (fixed): Shape is imported as ONNX Shape (int64) while TensorFlow's Shape gives its
    /// out_type (int32 by default), so Pack concatenates int64 with the int32 -1 and the
    /// session refuses the graph.
    @Test func kerasFlattenPattern_foldsAtLoad() throws {
        let x = NDArray.random([1, 3, 4, 2], seed: 94), w = NDArray.random([24, 3], seed: 95)
        let g = Self.kerasFlatten(x, weights: w)
        do {
            let session = try g.session(outputs: ["dense"])
            for op in ["Shape", "Slice", "Squeeze", "Unsqueeze", "Concat", "Reshape"] {
                #expect(session.executedOps[op] == nil, "\(op) still runs per frame: \(session.executedOps)")
            }
            let y = try session.run(["x:0": x.tensor])["dense:0"]
            expectClose(y, Reference.matMul(Reference.map(x) { max($0, 0) }.reshaped([1, 24]), w))
        }
    }
}
