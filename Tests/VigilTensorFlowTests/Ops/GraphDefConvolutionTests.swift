import Testing
import VigilEngine
@testable import VigilTensorFlow

/// Conv2D, DepthwiseConv2dNative, BiasAdd and the pools of a frozen GraphDef against the NHWC
/// reference: SAME padding puts the odd pixel at the end, filters are HWIO / HW·C·M.
@Suite struct GraphDefConvolutionTests {
    typealias Attr = GraphDefTestGraph.Attr
    typealias Reference = NHWCReference

    /// (input H, input W, kernel, stride), chosen so SAME padding is asymmetric (even totals
    /// and odd ones, with stride 1 and 2).
    static let sameCases: [(Int, Int, Int, Int)] = [(8, 8, 3, 2), (7, 7, 3, 2), (6, 9, 3, 2), (7, 6, 4, 2), (6, 6, 2, 1), (5, 5, 3, 1)]

    static func conv(_ x: NDArray, _ filter: NDArray, strides: [Int], dilations: [Int]? = nil, padding: String) throws -> Tensor? {
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("w", filter)
        var attr = ["strides": Attr.ints([1] + strides + [1]), "padding": Attr.string(padding), "data_format": Attr.string("NHWC"),
                    "T": Attr.type(.dtFloat)]
        if let dilations { attr["dilations"] = Attr.ints([1] + dilations + [1]) }
        g.node("conv", "Conv2D", ["x", "w"], attr)
        return try g.run(x: x, output: "conv")
    }

    @Test(arguments: sameCases)
    func conv2D_sameExtraPaddingAtTheEnd(_ size: (Int, Int, Int, Int)) throws {
        let (h, w, k, s) = size
        let x = NDArray.random([2, h, w, 3], seed: 1), filter = NDArray.random([k, k, 3, 4], seed: 2)
        expectClose(try Self.conv(x, filter, strides: [s, s], padding: "SAME"),
                    Reference.conv2D(x, filter: filter, strides: [s, s], padding: .same), "\(size)")
    }

    @Test func conv2D_sameUnequalStrides() throws {
        let x = NDArray.random([1, 7, 8, 2], seed: 3), filter = NDArray.random([3, 2, 2, 3], seed: 4)
        expectClose(try Self.conv(x, filter, strides: [2, 3], padding: "SAME"),
                    Reference.conv2D(x, filter: filter, strides: [2, 3], padding: .same))
    }

    @Test(arguments: [(7, 8, 3, 2), (6, 6, 3, 1), (9, 5, 2, 2)])
    func conv2D_valid(_ size: (Int, Int, Int, Int)) throws {
        let (h, w, k, s) = size
        let x = NDArray.random([1, h, w, 3], seed: 5), filter = NDArray.random([k, k, 3, 2], seed: 6)
        expectClose(try Self.conv(x, filter, strides: [s, s], padding: "VALID"),
                    Reference.conv2D(x, filter: filter, strides: [s, s], padding: .valid), "\(size)")
    }

    @Test(arguments: ["SAME", "VALID"])
    func conv2D_dilations(_ padding: String) throws {
        let x = NDArray.random([1, 9, 8, 2], seed: 7), filter = NDArray.random([3, 3, 2, 3], seed: 8)
        expectClose(try Self.conv(x, filter, strides: [1, 1], dilations: [2, 3], padding: padding),
                    Reference.conv2D(x, filter: filter, strides: [1, 1], dilations: [2, 3], padding: padding == "SAME" ? .same : .valid))
    }

    @Test func conv2D_explicitPaddingUsesTheHeightAndWidthPairs() throws {
        let x = NDArray.random([1, 5, 6, 2], seed: 9), filter = NDArray.random([3, 3, 2, 2], seed: 10)
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("w", filter)
        g.node("conv", "Conv2D", ["x", "w"], ["strides": Attr.ints([1, 1, 1, 1]), "padding": Attr.string("EXPLICIT"),
                                             "explicit_paddings": Attr.ints([0, 0, 2, 0, 0, 1, 0, 0])])
        let padded = Reference.pad(x, [(0, 0), (2, 0), (0, 1), (0, 0)], mode: .constant(0))
        expectClose(try g.run(x: x, output: "conv"), Reference.conv2D(padded, filter: filter, strides: [1, 1], padding: .valid))
    }

    static func depthwise(_ x: NDArray, _ filter: NDArray, strides: [Int], padding: String) throws -> Tensor? {
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("w", filter)
        g.node("dw", "DepthwiseConv2dNative", ["x", "w"], ["strides": Attr.ints([1] + strides + [1]), "padding": Attr.string(padding)])
        return try g.run(x: x, output: "dw")
    }

    @Test(arguments: [1, 2])
    func depthwiseConv2dNative_sameStride2(_ multiplier: Int) throws {
        for (size, seed) in [(8, UInt64(11)), (7, UInt64(12))] {
            let x = NDArray.random([2, size, size, 3], seed: seed), filter = NDArray.random([3, 3, 3, multiplier], seed: seed + 10)
            expectClose(try Self.depthwise(x, filter, strides: [2, 2], padding: "SAME"),
                        Reference.depthwiseConv2D(x, filter: filter, strides: [2, 2], padding: .same), "\(size)x\(size) m\(multiplier)")
        }
    }

    @Test(arguments: [1, 2])
    func depthwiseConv2dNative_validStride1(_ multiplier: Int) throws {
        let x = NDArray.random([1, 6, 5, 4], seed: 13), filter = NDArray.random([2, 3, 4, multiplier], seed: 14)
        expectClose(try Self.depthwise(x, filter, strides: [1, 1], padding: "VALID"),
                    Reference.depthwiseConv2D(x, filter: filter, strides: [1, 1], padding: .valid))
    }

    @Test func biasAddAndRelu6_afterConv2D() throws {
        let x = NDArray.random([1, 6, 6, 3], seed: 15, in: -3...3), filter = NDArray.random([3, 3, 3, 4], seed: 16)
        let bias = NDArray(shape: [4], values: [-1, 0.5, 2, 7])
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("w", filter)
        g.constant("b", bias)
        g.node("conv", "Conv2D", ["x", "w"], ["strides": Attr.ints([1, 2, 2, 1]), "padding": Attr.string("SAME")])
        g.node("bias", "BiasAdd", ["conv", "b"], ["data_format": Attr.string("NHWC")])
        g.node("relu6", "Relu6", ["bias"])
        let conv = Reference.conv2D(x, filter: filter, strides: [2, 2], padding: .same)
        let biased = Reference.broadcast(conv, bias, +)
        let outputs = try g.run(["x": x.tensor], outputs: ["bias", "relu6"])
        expectClose(outputs["bias:0"], biased)
        expectClose(outputs["relu6:0"], Reference.map(biased) { min(max($0, 0), 6) })
    }

    static func pool(_ op: String, _ x: NDArray, kernel: [Int], strides: [Int], padding: String) throws -> Tensor? {
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.node("pool", op, ["x"], ["ksize": Attr.ints([1] + kernel + [1]), "strides": Attr.ints([1] + strides + [1]),
                                  "padding": Attr.string(padding), "data_format": Attr.string("NHWC")])
        return try g.run(x: x, output: "pool")
    }

    /// (input H, input W, kernel, stride) with SAME padding at the end, or on both sides.
    static let poolCases: [(Int, Int, Int, Int)] = [(8, 8, 3, 2), (7, 7, 3, 2), (7, 6, 2, 2), (5, 5, 3, 1), (6, 7, 4, 3)]

    @Test(arguments: poolCases)
    func avgPool_sameAveragesRealCellsOnly(_ size: (Int, Int, Int, Int)) throws {
        let (h, w, k, s) = size
        let x = NDArray.random([2, h, w, 3], seed: 17)
        expectClose(try Self.pool("AvgPool", x, kernel: [k, k], strides: [s, s], padding: "SAME"),
                    Reference.pool(x, kernel: [k, k], strides: [s, s], padding: .same, max: false), "\(size)")
    }

    @Test(arguments: poolCases)
    func maxPool_sameIgnoresPadding(_ size: (Int, Int, Int, Int)) throws {
        let (h, w, k, s) = size
        // All negative, so a zero-padded maximum would show.
        let x = NDArray.random([2, h, w, 3], seed: 18, in: -2 ... -1)
        expectClose(try Self.pool("MaxPool", x, kernel: [k, k], strides: [s, s], padding: "SAME"),
                    Reference.pool(x, kernel: [k, k], strides: [s, s], padding: .same, max: true), "\(size)")
    }

    @Test(arguments: ["MaxPool", "AvgPool"])
    func pool_validUnequalKernel(_ op: String) throws {
        let x = NDArray.random([1, 7, 8, 2], seed: 19)
        expectClose(try Self.pool(op, x, kernel: [3, 2], strides: [2, 2], padding: "VALID"),
                    Reference.pool(x, kernel: [3, 2], strides: [2, 2], padding: .valid, max: op == "MaxPool"))
    }
}
