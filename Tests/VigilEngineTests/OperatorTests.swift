import Foundation
import Testing
@testable import VigilEngine

/// Graph-level semantics of the ops, against values worked out by hand from the ONNX spec.
@Suite struct OperatorTests {
    @Test func reshape_copiesZeroAndInfersMinusOne() throws {
        let out = try OpHarness("Reshape", inputs: [("x", iota([2, 3, 4]), false), ("s", Tensor(shape: [3], ints: [0, -1, 2]), true)]).run()
        #expect(out["y"]!.shape == [2, 6, 2])
        #expect(out["y"]!.floats == iota([24]).floats)
    }

    @Test func concat_joinsOnAxis() throws {
        let out = try OpHarness("Concat", attributes: ["axis": .int(1)],
                                inputs: [("a", iota([2, 1]), false), ("b", iota([2, 2], offset: 10), false)]).run()
        #expect(out["y"]!.shape == [2, 3])
        #expect(out["y"]!.floats == [0, 10, 11, 1, 12, 13])
    }

    @Test func slice_withNegativeStepAndClampedEnds() throws {
        let out = try OpHarness("Slice", inputs: [
            ("x", iota([2, 5]), false), ("starts", Tensor(shape: [1], ints: [-1]), true),
            ("ends", Tensor(shape: [1], ints: [Int64.min]), true), ("axes", Tensor(shape: [1], ints: [1]), true),
            ("steps", Tensor(shape: [1], ints: [-2]), true),
        ]).run()
        #expect(out["y"]!.shape == [2, 3])
        #expect(out["y"]!.floats == [4, 2, 0, 9, 7, 5])
    }

    @Test func gather_negativeIndicesOnAxis1() throws {
        let out = try OpHarness("Gather", attributes: ["axis": .int(1)],
                                inputs: [("x", iota([2, 3]), false), ("i", Tensor(shape: [2], ints: [-1, 0]), true)]).run()
        #expect(out["y"]!.shape == [2, 2])
        #expect(out["y"]!.floats == [2, 0, 5, 3])
    }

    @Test func split_evenlyAndBySizes() throws {
        let even = try OpHarness("Split", attributes: ["axis": .int(0)], inputs: [("x", iota([4]), false)], outputs: ["a", "b"]).run()
        #expect(even["a"]!.floats == [0, 1] && even["b"]!.floats == [2, 3])
        let sized = try OpHarness("Split", inputs: [("x", iota([5]), false), ("s", Tensor(shape: [2], ints: [1, 4]), true)],
                                  outputs: ["a", "b"]).run()
        #expect(sized["a"]!.floats == [0] && sized["b"]!.floats == [1, 2, 3, 4])
    }

    @Test func legacyBroadcast_opset1MulOnAxis1() throws {
        let out = try OpHarness("Mul", opset: 1, attributes: ["broadcast": .int(1), "axis": .int(1)],
                                inputs: [("x", iota([1, 3, 1, 2]), false), ("c", Tensor(shape: [3], floats: [1, 10, 100]), true)]).run()
        #expect(out["y"]!.floats == [0, 1, 20, 30, 400, 500])
    }

    @Test func shapeSubgraph_foldsAtLoad() throws {
        // Shape -> Gather -> Unsqueeze -> Concat -> Reshape: the classic flatten-by-shape pattern.
        var graph = Graph(name: "fold", inputs: [Graph.Input(name: "x", dtype: .float32, shape: [nil, 2, 3])], outputs: ["y"])
        graph.initializers["zero"] = Tensor(shape: [], ints: [0])
        graph.initializers["minus1"] = Tensor(shape: [1], ints: [-1])
        graph.nodes = [
            Node(name: "shape", opType: "Shape", opset: 13, inputs: ["x"], outputs: ["s"]),
            Node(name: "gather", opType: "Gather", opset: 13, inputs: ["s", "zero"], outputs: ["n"]),
            Node(name: "unsqueeze", opType: "Unsqueeze", opset: 11, inputs: ["n"], outputs: ["n1"], attributes: ["axes": .ints([0])]),
            Node(name: "concat", opType: "Concat", opset: 13, inputs: ["n1", "minus1"], outputs: ["target"], attributes: ["axis": .int(0)]),
            Node(name: "reshape", opType: "Reshape", opset: 13, inputs: ["x", "target"], outputs: ["y"]),
        ]
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: 1, inputShapes: ["x": [4, 2, 3]]))
        #expect(session.outputs[0].shape == [4, 6])
        #expect(session.executedOps.isEmpty, "everything folds or aliases: \(session.executedOps)")
        let out = try session.run(["x": iota([4, 2, 3])])
        #expect(out["y"]!.floats == iota([24]).floats)
    }

    @Test func gemm_transBWithBroadcastBias() throws {
        let out = try OpHarness("Gemm", attributes: ["transB": .int(1), "alpha": .float(2)], inputs: [
            ("a", Tensor(shape: [1, 2], floats: [1, 2]), false),
            ("b", Tensor(shape: [3, 2], floats: [1, 0, 0, 1, 1, 1]), true),
            ("c", Tensor(shape: [3], floats: [0.5, 0, -1]), true),
        ]).run()
        #expect(out["y"]!.floats == [2.5, 4, 5])
    }

    @Test func batchNorm_opset1AttributesInference() throws {
        let out = try OpHarness("BatchNormalization", opset: 1,
                                attributes: ["epsilon": .float(0), "is_test": .int(1), "spatial": .int(1)], inputs: [
            ("x", Tensor(shape: [1, 2, 1, 2], floats: [1, 2, 3, 4]), false),
            ("s", Tensor(shape: [2], floats: [1, 2]), true), ("b", Tensor(shape: [2], floats: [0, 1]), true),
            ("m", Tensor(shape: [2], floats: [1, 3]), true), ("v", Tensor(shape: [2], floats: [4, 1]), true),
        ]).run()
        #expect(out["y"]!.floats == [0, 0.5, 1, 3])
    }

    @Test func legacyPadding_padsEndForCeilModePooling() throws {
        let out = OpHarness("LegacyPadding", attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]),
                                                              "pads": .ints([0, 0]), "value": .float(-1)],
                                inputs: [("x", iota([1, 1, 4, 4]), false)])
        var harness = out
        harness.node.domain = "com.microsoft"
        let result = try harness.run()
        // H = 4, k = 3, s = 2: ceil((4 − 3) / 2) · 2 + 3 − 4 = 1 row and column at the end.
        #expect(result["y"]!.shape == [1, 1, 5, 5])
        #expect(result["y"]!.floats.suffix(5) == [-1, -1, -1, -1, -1])
    }

    @Test func cast_andComparisons_onIntegers() throws {
        let cast = try OpHarness("Cast", attributes: ["to": .int(7)], inputs: [("x", Tensor(shape: [3], floats: [1.7, -1.7, 3]), false)]).run()
        #expect(cast["y"]!.dtype == .int64 && cast["y"]!.ints == [1, -1, 3])
        let less = try OpHarness("Less", inputs: [("a", Tensor(shape: [3], ints: [1, 5, 3]), false), ("b", Tensor(shape: [1], ints: [3]), true)]).run()
        #expect(less["y"]!.dtype == .bool && less["y"]!.ints == [1, 0, 0])
    }

    @Test func resize_nearestAsymmetricDoubles() throws {
        let out = try OpHarness("Resize", attributes: ["mode": .string("nearest"), "coordinate_transformation_mode": .string("asymmetric"),
                                                       "nearest_mode": .string("floor")],
                                inputs: [("x", iota([1, 1, 1, 2]), false), ("roi", Tensor(shape: [0], floats: []), true),
                                         ("scales", Tensor(shape: [4], floats: [1, 1, 2, 2]), true)]).run()
        #expect(out["y"]!.shape == [1, 1, 2, 4])
        #expect(out["y"]!.floats == [0, 0, 1, 1, 0, 0, 1, 1])
    }

    @Test func topK_largestWithIndices() throws {
        let out = try OpHarness("TopK", inputs: [("x", Tensor(shape: [1, 5], floats: [3, 9, 1, 9, 4]), false),
                                                 ("k", Tensor(shape: [1], ints: [3]), true)], outputs: ["v", "i"]).run()
        #expect(out["v"]!.floats == [9, 9, 4])
        #expect(out["i"]!.ints == [1, 3, 4])
    }

    /// Against a stable sort, over axes with inner elements, both directions, k from 0 to n, and
    /// values with many ties (spec: equal values in index order).
    @Test(arguments: [([2, 37, 3], 1), ([1, 300], 1), ([5, 4], 0), ([64], 0)])
    func topK_matchesAStableSort(_ shape: [Int], _ axis: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let count = shape.reduce(1, *), n = shape[axis]
        let x = (0..<count).map { _ in Float(Int.random(in: 0..<12, using: &generator)) / 4 }
        let outer = shape.prefix(axis).reduce(1, *), inner = shape.dropFirst(axis + 1).reduce(1, *)
        for largest in [1, 0] {
            for k in Set([0, 1, n / 3, n - 1, n]) {
                let out = try OpHarness("TopK", opset: 11, attributes: ["axis": .int(axis), "largest": .int(largest)], inputs: [
                    ("x", Tensor(shape: shape, floats: x), false), ("k", Tensor(shape: [1], ints: [Int64(k)]), true),
                ], outputs: ["v", "i"]).run()
                var expectedValues: [Float] = [], expectedIndices: [Int64] = []
                var perLine: [[Int]] = []
                for o in 0..<outer {
                    for i in 0..<inner {
                        let order = (0..<n).sorted { a, b in
                            let va = x[(o * n + a) * inner + i], vb = x[(o * n + b) * inner + i]
                            return va != vb ? (largest == 1 ? va > vb : va < vb) : a < b
                        }
                        perLine.append(Array(order.prefix(k)))
                    }
                }
                for o in 0..<outer {
                    for slot in 0..<k {
                        for i in 0..<inner {
                            let index = perLine[o * inner + i][slot]
                            expectedIndices.append(Int64(index))
                            expectedValues.append(x[(o * n + index) * inner + i])
                        }
                    }
                }
                #expect(out["i"]!.ints == expectedIndices, "shape \(shape) axis \(axis) largest \(largest) k \(k)")
                #expect(out["v"]!.floats == expectedValues, "shape \(shape) axis \(axis) largest \(largest) k \(k)")
            }
        }
    }
}

/// Normalisations added for newer (LayerNormalization) and older (LRN) exports.
@Suite struct NormalizationOperatorTests {
    @Test func layerNormalization_lastAxisWithScaleAndBias() throws {
        let x = Tensor(shape: [2, 3], floats: [1, 2, 3, 2, 4, 9])
        let out = try OpHarness("LayerNormalization", opset: 17, attributes: ["epsilon": .float(0)], inputs: [
            ("x", x, false), ("s", Tensor(shape: [3], floats: [1, 2, 1]), true), ("b", Tensor(shape: [3], floats: [0, 0, 1]), true),
        ]).run()["y"]!.floats
        // Row 1: mean 2, var 2/3 -> (−1, 0, 1)/0.8165; row 2: mean 5, deviations (−3, −1, 4), var 26/3.
        let s1 = Float(1 / (2.0 / 3.0).squareRoot()), s2 = Float(1 / (26.0 / 3.0).squareRoot())
        let expected: [Float] = [-1 * s1, 0, 1 * s1 + 1, -3 * s2, -1 * s2 * 2, 4 * s2 + 1]
        for (a, b) in zip(out, expected) { #expect(abs(a - b) < 1e-5, "\(out) vs \(expected)") }
    }

    @Test func imageScaler_scalesAndShiftsPerChannel() throws {
        let x = Tensor(shape: [1, 2, 1, 2], floats: [1, 2, 3, 4])
        let out = try OpHarness("ImageScaler", opset: 1, attributes: ["scale": .float(2), "bias": .floats([1, -1])],
                                inputs: [("x", x, false)]).run()["y"]!.floats
        #expect(out == [3, 5, 5, 7])
    }

    /// The 2018 exports' ImageScaler (scale 1, bias 0) runs no kernel at all.
    @Test func imageScaler_identityIsAnAlias() throws {
        var graph = Graph(name: "scaler", nodes: [
            Node(name: "scale", opType: "ImageScaler", opset: 1, inputs: ["x"], outputs: ["s"],
                 attributes: ["scale": .float(1), "bias": .floats([0, 0])]),
            Node(name: "relu", opType: "Relu", opset: 7, inputs: ["s"], outputs: ["y"]),
        ], outputs: ["y"])
        graph.inputs = [Graph.Input(name: "x", dtype: .float32, shape: [1, 2, 1, 2])]
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: 1))
        #expect(try session.run(["x": Tensor(shape: [1, 2, 1, 2], floats: [-1, 2, 3, -4])])["y"]!.floats == [0, 2, 3, 0])
        #expect(session.executedOps["ImageScaler"] == nil, "\(session.executedOps)")
    }

    @Test func lrn_acrossChannels() throws {
        let x = Tensor(shape: [1, 3, 1, 1], floats: [1, 2, 3])
        let out = try OpHarness("LRN", attributes: ["size": .int(3), "alpha": .float(0.3), "beta": .float(0.5), "bias": .float(1)],
                                inputs: [("x", x, false)]).run()["y"]!.floats
        // c0: 1²+2² = 5; c1: 1+4+9 = 14; c2: 4+9 = 13; y = x / sqrt(1 + 0.1·Σ)
        let expected: [Float] = [1 / _sqrt(1.5), 2 / _sqrt(2.4), 3 / _sqrt(2.3)]
        for (a, b) in zip(out, expected) { #expect(abs(a - b) < 1e-5, "\(out) vs \(expected)") }
    }
}

/// √v, named so the expected values above read like the formula.
private func _sqrt(_ v: Float) -> Float { v.squareRoot() }
