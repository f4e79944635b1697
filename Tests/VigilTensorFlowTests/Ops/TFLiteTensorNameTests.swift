import Testing
import VigilEngine
@testable import VigilTensorFlow

/// Tensor names in a TFLite file are labels, not identities: the schema does not make them unique.
@Suite struct TFLiteTensorNameTests {
    typealias File = TFLiteTestGraph
    typealias Reference = NHWCReference

    /// Regression (fixed): the importer names a convolution's weights "<output tensor name>/weights_oihw",
    /// so two convolutions whose outputs share a name share the second one's weights.
    @Test func conv2D_outputsSharingANameKeepTheirOwnWeights() throws {
        let x = NDArray.random([1, 5, 5, 2], seed: 230)
        let w1 = NDArray.random([2, 3, 3, 2], seed: 231), w2 = NDArray.random([2, 3, 3, 2], seed: 232)
        var g = File()
        let input = g.tensor("x", x.shape)
        let first = g.constant("w1", w1), second = g.constant("w2", w2)
        let a = g.tensor("feature", [1, 5, 5, 2]), b = g.tensor("feature", [1, 5, 5, 2]), output = g.tensor("y", [1, 5, 5, 2])
        let options: [Int: FBField] = [0: .i8(File.Padding.same.rawValue), 1: .i32(1), 2: .i32(1)]
        g.op(.conv2D, [input, first, -1], [a], .conv2D, options)
        g.op(.conv2D, [a, second, -1], [b], .conv2D, options)
        g.op(.maxPool2D, [b], [output], .pool2D, [0: .i8(File.Padding.same.rawValue), 1: .i32(1), 2: .i32(1), 3: .i32(1), 4: .i32(1)])
        let conv1 = Reference.conv2D(x, filter: Reference.transpose(w1, [1, 2, 3, 0]), strides: [1, 1], padding: .same)
        let conv2 = Reference.conv2D(conv1, filter: Reference.transpose(w2, [1, 2, 3, 0]), strides: [1, 1], padding: .same)
        do {
            expectClose(try g.run(input, x, output: output), conv2)
        }
    }
}
