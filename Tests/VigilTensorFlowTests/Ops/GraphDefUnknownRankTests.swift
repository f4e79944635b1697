import Testing
import VigilEngine
@testable import VigilTensorFlow

/// Negative axes on values whose rank the importer does not track: the output of a Squeeze
/// without squeeze_dims (or of a Reshape to a computed shape). TensorFlow counts a negative
/// axis from the tensor's real rank; ONNX ops accept negative axes too, so nothing needs to guess.
@Suite struct GraphDefUnknownRankTests {
    typealias Attr = GraphDefTestGraph.Attr
    typealias Reference = NHWCReference

    /// x [2, 1, 3] -> Squeeze (all unit dims) -> [2, 3] of unknown rank to the importer.
    static func squeezed(_ g: inout GraphDefTestGraph, _ x: NDArray) {
        g.placeholder("x", x.shape)
        g.node("squeeze", "Squeeze", ["x"])
    }

    @Test func squeeze_withoutDimsDropsEveryUnitAxis() throws {
        let x = NDArray.random([2, 1, 3], seed: 111)
        var g = GraphDefTestGraph()
        Self.squeezed(&g, x)
        expectClose(try g.run(x: x, output: "squeeze"), x.reshaped([2, 3]))
    }

    @Test func expandDims_positiveAxisAfterSqueeze() throws {
        let x = NDArray.random([2, 1, 3], seed: 112)
        var g = GraphDefTestGraph()
        Self.squeezed(&g, x)
        g.constant("dim", ints: [1], shape: [])
        g.node("expand", "ExpandDims", ["squeeze", "dim"])
        expectClose(try g.run(x: x, output: "expand"), x.reshaped([2, 1, 3]))
    }

    /// Regression (fixed): expandDims counts a negative axis from rank (unknown -> 0) + 1, so -1 becomes 0.
    @Test func expandDims_negativeAxisAfterSqueeze() throws {
        let x = NDArray.random([2, 1, 3], seed: 113)
        var g = GraphDefTestGraph()
        Self.squeezed(&g, x)
        g.constant("dim", ints: [-1], shape: [])
        g.node("expand", "ExpandDims", ["squeeze", "dim"])
        do {
            expectClose(try g.run(x: x, output: "expand"), x.reshaped([2, 3, 1]))
        }
    }

    /// Regression (fixed): concat normalises a negative axis with the number of inputs when no input
    /// has a known rank, so three [2, 3] tensors go to axis 2.
    @Test func concatV2_negativeAxisAfterSqueeze() throws {
        let x = NDArray.random([2, 1, 3], seed: 114)
        var g = GraphDefTestGraph()
        Self.squeezed(&g, x)
        g.node("relu", "Relu", ["squeeze"])
        g.node("neg", "Neg", ["squeeze"])
        g.constant("axis", ints: [-1], shape: [])
        g.node("concat", "ConcatV2", ["squeeze", "relu", "neg", "axis"], ["N": Attr.int(3)])
        let flat = x.reshaped([2, 3])
        do {
            expectClose(try g.run(x: x, output: "concat"),
                        Reference.concatenate([flat, Reference.map(flat) { max($0, 0) }, Reference.map(flat) { -$0 }], axis: 1))
        }
    }

    /// Regression (fixed): reduce assumes rank 4 when it does not know the rank, so axis -1 becomes 3.
    @Test func mean_negativeAxisAfterSqueeze() throws {
        let x = NDArray.random([2, 1, 3], seed: 115)
        var g = GraphDefTestGraph()
        Self.squeezed(&g, x)
        g.constant("axes", ints: [-1])
        g.node("mean", "Mean", ["squeeze", "axes"], ["keep_dims": Attr.bool(false)])
        do {
            expectClose(try g.run(x: x, output: "mean"), Reference.reduce(x.reshaped([2, 3]), axes: [1], keepDims: false, .mean))
        }
    }
}
