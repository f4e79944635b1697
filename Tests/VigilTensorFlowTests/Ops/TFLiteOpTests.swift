import Testing
import VigilEngine
@testable import VigilTensorFlow

/// TFLite builtin operators in hand-built float32 files against the NHWC reference: conv
/// weights OHWI, depthwise weights [1, H, W, C·M], fully-connected weights [out, in] over the
/// NHWC flattening, fused activations applied after the op.
@Suite struct TFLiteOpTests {
    typealias File = TFLiteTestGraph
    typealias Reference = NHWCReference

    static func fused(_ x: NDArray, _ activation: File.Activation) -> NDArray {
        switch activation {
        case .none: return x
        case .relu: return Reference.map(x) { max($0, 0) }
        case .reluN1To1: return Reference.map(x) { min(max($0, -1), 1) }
        case .relu6: return Reference.map(x) { min(max($0, 0), 6) }
        }
    }

    /// (input H, input W, stride): SAME padding odd and even, at the end.
    @Test(arguments: [(7, 8, 2), (8, 8, 2), (6, 5, 1)])
    func conv2D_ohwiWeightsSameRelu6(_ size: (Int, Int, Int)) throws {
        let (h, w, s) = size
        let x = NDArray.random([1, h, w, 3], seed: 201, in: -3...3)
        let ohwi = NDArray.random([4, 3, 3, 3], seed: 202), bias = NDArray.random([4], seed: 203, in: -1...3)
        var g = File()
        let input = g.tensor("x", x.shape)
        let weights = g.constant("w", ohwi), b = g.constant("b", bias)
        let rows = Reference.window(input: h, kernel: 3, stride: s, padding: .same).output
        let cols = Reference.window(input: w, kernel: 3, stride: s, padding: .same).output
        let output = g.tensor("y", [1, rows, cols, 4])
        g.op(.conv2D, [input, weights, b], [output], .conv2D,
             [0: .i8(File.Padding.same.rawValue), 1: .i32(Int32(s)), 2: .i32(Int32(s)), 3: .i8(File.Activation.relu6.rawValue)])
        let conv = Reference.conv2D(x, filter: Reference.transpose(ohwi, [1, 2, 3, 0]), strides: [s, s], padding: .same)
        expectClose(try g.run(input, x, output: output), Self.fused(Reference.broadcast(conv, bias, +), .relu6), "\(size)")
    }

    @Test func conv2D_validUnequalStridesNoBias() throws {
        let x = NDArray.random([2, 7, 9, 2], seed: 204), ohwi = NDArray.random([3, 2, 3, 2], seed: 205)
        var g = File()
        let input = g.tensor("x", x.shape), weights = g.constant("w", ohwi), output = g.tensor("y", [2, 3, 3, 3])
        g.op(.conv2D, [input, weights, -1], [output], .conv2D, [0: .i8(File.Padding.valid.rawValue), 1: .i32(3), 2: .i32(2)])
        expectClose(try g.run(input, x, output: output),
                    Reference.conv2D(x, filter: Reference.transpose(ohwi, [1, 2, 3, 0]), strides: [2, 3], padding: .valid))
    }

    /// A depthwise file; `multiplierOption` nil leaves depth_multiplier out of the options.
    static func depthwise(_ x: NDArray, multiplier: Int, multiplierOption: Int?, stride: Int, seed: UInt64) throws -> (Tensor?, NDArray) {
        let c = x.shape[3]
        let filter = NDArray.random([1, 3, 3, c * multiplier], seed: seed), bias = NDArray.random([c * multiplier], seed: seed + 1)
        var g = File()
        let input = g.tensor("x", x.shape), weights = g.constant("w", filter), b = g.constant("b", bias)
        let rows = Reference.window(input: x.shape[1], kernel: 3, stride: stride, padding: .same).output
        let cols = Reference.window(input: x.shape[2], kernel: 3, stride: stride, padding: .same).output
        let output = g.tensor("y", [x.shape[0], rows, cols, c * multiplier])
        var fields: [Int: FBField] = [0: .i8(File.Padding.same.rawValue), 1: .i32(Int32(stride)), 2: .i32(Int32(stride))]
        if let multiplierOption { fields[3] = .i32(Int32(multiplierOption)) }
        g.op(.depthwiseConv2D, [input, weights, b], [output], .depthwiseConv2D, fields)
        let conv = Reference.depthwiseConv2D(x, filter: filter.reshaped([3, 3, c, multiplier]), strides: [stride, stride], padding: .same)
        return (try g.run(input, x, output: output), Reference.broadcast(conv, bias, +))
    }

    @Test(arguments: [1, 2])
    func depthwiseConv2D_multiplierSameStride2(_ multiplier: Int) throws {
        for (size, seed) in [(7, UInt64(206)), (8, UInt64(207))] {
            let x = NDArray.random([1, size, size, 3], seed: seed)
            let (actual, expected) = try Self.depthwise(x, multiplier: multiplier, multiplierOption: multiplier, stride: 2, seed: seed + 10)
            expectClose(actual, expected, "\(size)x\(size) m\(multiplier)")
        }
    }

    /// Regression (fixed): TFLite's kernel derives the multiplier from the shapes (filter channels /
    /// input channels) and ignores the option; the importer trusts the option, so a file that
    /// leaves it at its schema default 0 gets the wrong group count.
    @Test func depthwiseConv2D_multiplierFromShapesNotOptions() throws {
        let x = NDArray.random([1, 6, 6, 3], seed: 208)
        do {
            let (actual, expected) = try Self.depthwise(x, multiplier: 2, multiplierOption: nil, stride: 1, seed: 209)
            expectClose(actual, expected)
        }
    }

    @Test(arguments: [File.Activation.none, .relu])
    func fullyConnected_flattensNHWCWithBias(_ activation: File.Activation) throws {
        let x = NDArray.random([2, 3, 3, 2], seed: 210), weights = NDArray.random([4, 18], seed: 211), bias = NDArray.random([4], seed: 212)
        var g = File()
        let input = g.tensor("x", x.shape), w = g.constant("w", weights), b = g.constant("b", bias), output = g.tensor("y", [2, 4])
        g.op(.fullyConnected, [input, w, b], [output], .fullyConnected, [0: .i8(activation.rawValue)])
        let expected = Reference.broadcast(Reference.matMul(x.reshaped([2, 18]), weights, transposeB: true), bias, +)
        expectClose(try g.run(input, x, output: output), Self.fused(expected, activation))
    }

    static func pool(_ code: File.Code, _ x: NDArray, kernel: Int, stride: Int, padding: File.Padding) throws -> Tensor? {
        var g = File()
        let input = g.tensor("x", x.shape)
        let p: NHWCReference.Padding = padding == .same ? .same : .valid
        let rows = Reference.window(input: x.shape[1], kernel: kernel, stride: stride, padding: p).output
        let cols = Reference.window(input: x.shape[2], kernel: kernel, stride: stride, padding: p).output
        let output = g.tensor("y", [x.shape[0], rows, cols, x.shape[3]])
        g.op(code, [input], [output], .pool2D, [0: .i8(padding.rawValue), 1: .i32(Int32(stride)), 2: .i32(Int32(stride)),
                                                3: .i32(Int32(kernel)), 4: .i32(Int32(kernel))])
        return try g.run(input, x, output: output)
    }

    @Test(arguments: [(7, 3, 2), (8, 3, 2), (7, 2, 2), (5, 3, 1)])
    func averagePool2D_sameAveragesRealCellsOnly(_ spec: (Int, Int, Int)) throws {
        let (size, k, s) = spec
        let x = NDArray.random([1, size, size, 3], seed: 213)
        expectClose(try Self.pool(.averagePool2D, x, kernel: k, stride: s, padding: .same),
                    Reference.pool(x, kernel: [k, k], strides: [s, s], padding: .same, max: false), "\(spec)")
    }

    @Test(arguments: [File.Padding.same, .valid])
    func maxPool2D_padding(_ padding: File.Padding) throws {
        let x = NDArray.random([2, 7, 6, 2], seed: 214, in: -2 ... -1)
        expectClose(try Self.pool(.maxPool2D, x, kernel: 3, stride: 2, padding: padding),
                    Reference.pool(x, kernel: [3, 3], strides: [2, 2], padding: padding == .same ? .same : .valid, max: true))
    }

    @Test(arguments: [3, -1, 1])
    func concatenation_onSourceAxis(_ axis: Int) throws {
        let x = NDArray.random([1, 3, 4, 2], seed: 215)
        let positive = axis < 0 ? axis + 4 : axis
        var constantShape = x.shape
        constantShape[positive] = 1
        let c = NDArray.random(constantShape, seed: 216)
        var outputShape = x.shape
        outputShape[positive] += 1
        var g = File()
        let input = g.tensor("x", x.shape), constant = g.constant("c", c), output = g.tensor("y", outputShape)
        g.op(.concatenation, [input, constant], [output], .concatenation, [0: .i32(Int32(axis))])
        expectClose(try g.run(input, x, output: output), Reference.concatenate([x, c], axis: positive), "axis \(axis)")
    }

    /// RESHAPE to [1, 24] then SOFTMAX with beta: flattening is NHWC.
    @Test func reshapeThenSoftmax_withBeta() throws {
        let x = NDArray.random([1, 3, 4, 2], seed: 217, in: -3...3)
        var g = File()
        let input = g.tensor("x", x.shape), shape = g.constant("shape", ints: [1, 24], shape: [2])
        let flat = g.tensor("flat", [1, 24]), output = g.tensor("y", [1, 24])
        g.op(.reshape, [input, shape], [flat], .reshape, [0: .ref(.int32s([1, 24]))])
        g.op(.softmax, [flat], [output], .softmax, [0: .f32(0.5)])
        let results = try g.run(inputs: [input], outputs: [flat, output], feeds: ["x": x])
        expectClose(results["flat"], x.reshaped([1, 24]))
        expectClose(results["y"], Reference.softmax(x.reshaped([1, 24]), beta: 0.5))
    }

    @Test func softmax_fourDimensionalOverChannels() throws {
        let x = NDArray.random([1, 2, 3, 4], seed: 218, in: -3...3)
        var g = File()
        let input = g.tensor("x", x.shape), output = g.tensor("y", x.shape)
        g.op(.softmax, [input], [output], .softmax, [0: .f32(2)])
        expectClose(try g.run(input, x, output: output), Reference.softmax(x, beta: 2))
    }

    @Test(arguments: [([1, 2], false), ([1, 2], true), ([3], false), ([-1], true)])
    func mean_overSourceAxes(_ spec: ([Int], Bool)) throws {
        let (axes, keepDims) = spec
        let x = NDArray.random([2, 3, 4, 5], seed: 219)
        let expected = Reference.reduce(x, axes: axes, keepDims: keepDims, .mean)
        var g = File()
        let input = g.tensor("x", x.shape), a = g.constant("axes", ints: axes, shape: [axes.count]), output = g.tensor("y", expected.shape)
        g.op(.mean, [input, a], [output], .reducer, [0: .bool(keepDims)])
        expectClose(try g.run(input, x, output: output), expected, "\(axes) keep_dims \(keepDims)")
    }

    /// Known bug (shared with the GraphDef importer): ReduceSum's axes go in as an attribute.
    @Test func sum_spatialWithoutKeepDims() throws {
        let x = NDArray.random([2, 3, 4, 5], seed: 220)
        let expected = Reference.reduce(x, axes: [1, 2], keepDims: false, .sum)
        var g = File()
        let input = g.tensor("x", x.shape), a = g.constant("axes", ints: [1, 2], shape: [2]), output = g.tensor("y", expected.shape)
        g.op(.sum, [input, a], [output], .reducer, [0: .bool(false)])
        do {
            expectClose(try g.run(input, x, output: output), expected)
        }
    }

    @Test func pad_nhwcPaddings() throws {
        let x = NDArray.random([1, 3, 4, 2], seed: 221)
        let pairs = [(0, 0), (2, 1), (0, 3), (1, 0)]
        let expected = Reference.pad(x, pairs, mode: .constant(0))
        var g = File()
        let input = g.tensor("x", x.shape), p = g.constant("paddings", ints: pairs.flatMap { [$0.0, $0.1] }, shape: [4, 2])
        let output = g.tensor("y", expected.shape)
        g.op(.pad, [input, p], [output], .pad)
        expectClose(try g.run(input, x, output: output), expected)
    }

    @Test(arguments: [File.Activation.relu, .reluN1To1, .relu6])
    func add_fusedActivation(_ activation: File.Activation) throws {
        let x = NDArray.random([1, 3, 4, 2], seed: 222, in: -4...4), y = NDArray.random([1, 3, 4, 2], seed: 223, in: -4...4)
        let c = NDArray.random([2], seed: 224, in: -3...3)
        var g = File()
        let a = g.tensor("a", x.shape), b = g.tensor("b", y.shape), constant = g.constant("c", c)
        let sum = g.tensor("sum", x.shape), output = g.tensor("out", x.shape)
        g.op(.add, [a, b], [sum], .add, [0: .i8(activation.rawValue)])
        g.op(.add, [sum, constant], [output], .add, [0: .i8(activation.rawValue)])
        let results = try g.run(inputs: [a, b], outputs: [sum, output], feeds: ["a": x, "b": y])
        let first = Self.fused(Reference.broadcast(x, y, +), activation)
        expectClose(results["sum"], first, "\(activation)")
        expectClose(results["out"], Self.fused(Reference.broadcast(first, c, +), activation), "\(activation)")
    }
}
