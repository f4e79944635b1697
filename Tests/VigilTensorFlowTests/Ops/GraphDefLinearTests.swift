import Testing
import VigilEngine
@testable import VigilTensorFlow

/// MatMul, FusedBatchNormV3 and Softmax of a frozen GraphDef: TensorFlow's attribute defaults
/// apply when a frozen graph leaves an attribute out (graphs are often saved with defaults stripped).
@Suite struct GraphDefLinearTests {
    typealias Attr = GraphDefTestGraph.Attr
    typealias Reference = NHWCReference

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matMul_transposes(_ transposes: (Bool, Bool)) throws {
        let (ta, tb) = transposes
        let a = NDArray.random(ta ? [5, 3] : [3, 5], seed: 51), b = NDArray.random(tb ? [4, 5] : [5, 4], seed: 52)
        var g = GraphDefTestGraph()
        g.placeholder("x", a.shape)
        g.constant("w", b)
        g.node("y", "MatMul", ["x", "w"], ["transpose_a": Attr.bool(ta), "transpose_b": Attr.bool(tb)])
        expectClose(try g.run(x: a, output: "y"), Reference.matMul(a, b, transposeA: ta, transposeB: tb), "\(transposes)")
    }

    static let channels = 3

    static func batchNormParameters(seed: UInt64) -> (scale: NDArray, offset: NDArray, mean: NDArray, variance: NDArray) {
        (NDArray.random([channels], seed: seed, in: 0.5...2), NDArray.random([channels], seed: seed + 1),
         NDArray.random([channels], seed: seed + 2), NDArray.random([channels], seed: seed + 3, in: 0.002...0.01))
    }

    /// x -> FusedBatchNormV3 with the given attributes (nil leaves one out).
    static func batchNormGraph(_ x: NDArray, epsilon: Float?, isTraining: Bool?, seed: UInt64,
                               afterConv filter: NDArray? = nil) -> GraphDefTestGraph {
        let p = batchNormParameters(seed: seed)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        var source = "x"
        if let filter {
            g.constant("w", filter)
            g.node("conv", "Conv2D", ["x", "w"], ["strides": Attr.ints([1, 1, 1, 1]), "padding": Attr.string("SAME")])
            source = "conv"
        }
        for (name, value) in [("scale", p.scale), ("offset", p.offset), ("mean", p.mean), ("variance", p.variance)] {
            g.constant(name, value)
        }
        var attr = ["data_format": Attr.string("NHWC"), "T": Attr.type(.dtFloat), "U": Attr.type(.dtFloat)]
        if let epsilon { attr["epsilon"] = Attr.float(epsilon) }
        if let isTraining { attr["is_training"] = Attr.bool(isTraining) }
        g.node("bn", "FusedBatchNormV3", [source, "scale", "offset", "mean", "variance"], attr)
        return g
    }

    static func expectedBatchNorm(_ x: NDArray, epsilon: Float, seed: UInt64) -> NDArray {
        let p = batchNormParameters(seed: seed)
        return Reference.batchNorm(x, scale: p.scale, offset: p.offset, mean: p.mean, variance: p.variance, epsilon: Double(epsilon))
    }

    @Test func fusedBatchNormV3_inferenceWithEpsilon() throws {
        let x = NDArray.random([2, 3, 4, Self.channels], seed: 53)
        let g = Self.batchNormGraph(x, epsilon: 0.001, isTraining: false, seed: 54)
        expectClose(try g.run(x: x, output: "bn"), Self.expectedBatchNorm(x, epsilon: 0.001, seed: 54), abs: 1e-4, rel: 1e-5)
    }

    /// The engine folds the normalisation into the convolution's weights.
    @Test func fusedBatchNormV3_afterConv2D() throws {
        let x = NDArray.random([1, 5, 5, 2], seed: 55), filter = NDArray.random([3, 3, 2, Self.channels], seed: 56)
        let g = Self.batchNormGraph(x, epsilon: 0.001, isTraining: false, seed: 57, afterConv: filter)
        let conv = Reference.conv2D(x, filter: filter, strides: [1, 1], padding: .same)
        expectClose(try g.run(x: x, output: "bn"), Self.expectedBatchNorm(conv, epsilon: 0.001, seed: 57), abs: 1e-4, rel: 1e-5)
    }

    @Test func fusedBatchNormV3_trainingIsRejected() throws {
        let x = NDArray.random([1, 2, 2, Self.channels], seed: 58)
        let g = Self.batchNormGraph(x, epsilon: 0.001, isTraining: true, seed: 59)
        #expect(throws: ImportError.self) { try g.session(outputs: ["bn"]) }
    }

    /// Regression (fixed): TensorFlow's FusedBatchNorm* op definitions default epsilon to 0.0001; the
    /// importer uses 1e-3 (Keras's layer default) when the attribute is absent.
    @Test func fusedBatchNormV3_defaultEpsilon() throws {
        let x = NDArray.random([2, 3, 4, Self.channels], seed: 60)
        let g = Self.batchNormGraph(x, epsilon: nil, isTraining: false, seed: 61)
        do {
            expectClose(try g.run(x: x, output: "bn"), Self.expectedBatchNorm(x, epsilon: 0.0001, seed: 61), abs: 1e-4, rel: 1e-5)
        }
    }

    /// Regression (fixed): is_training defaults to true in TensorFlow's op definitions, so a node without
    /// the attribute normalises with batch statistics; the importer treats it as inference.
    @Test func fusedBatchNormV3_absentIsTrainingMeansTraining() throws {
        let x = NDArray.random([1, 2, 2, Self.channels], seed: 62)
        let g = Self.batchNormGraph(x, epsilon: 0.001, isTraining: nil, seed: 63)
        do {
            #expect(throws: ImportError.self) { try g.session(outputs: ["bn"]) }
        }
    }

    @Test func softmax_overTheLastAxis() throws {
        for (shape, seed) in [([2, 5], UInt64(64)), ([1, 2, 3, 4], UInt64(65))] {
            let x = NDArray.random(shape, seed: seed, in: -4...4)
            var g = GraphDefTestGraph()
            g.placeholder("x", x.shape)
            g.node("y", "Softmax", ["x"])
            expectClose(try g.run(x: x, output: "y"), Reference.softmax(x), "\(shape)")
        }
    }
}
