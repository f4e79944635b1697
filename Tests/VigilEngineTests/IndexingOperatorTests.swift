import Foundation
import Testing
import VigilCore
@testable import VigilEngine

/// NonZero, ScatterElements and GatherND against naive references written from the ONNX spec.
@Suite struct IndexingOperatorTests {
    // MARK: NonZero

    @Test func nonZero_rowMajorCoordinatesForEveryType() throws {
        let floats = Tensor(shape: [2, 3], floats: [0, 1.5, 0, -0.0, .nan, 2])
        let out = try OpHarness("NonZero", opset: 13, inputs: [("x", floats, true)]).run()["y"]!
        #expect(out.dtype == .int64 && out.shape == [2, 3])
        #expect(out.ints == [0, 1, 1, 1, 1, 2])   // (0,1), (1,1) NaN, (1,2); -0 is zero
        let ints = Tensor(shape: [4], ints: [0, 7, 0, -1])
        #expect(try OpHarness("NonZero", opset: 9, inputs: [("x", ints, true)]).run()["y"]!.ints == [1, 3])
        let bools = Tensor(shape: [1, 2, 2], bools: [true, false, false, true])
        let b = try OpHarness("NonZero", inputs: [("x", bools, true)]).run()["y"]!
        #expect(b.shape == [3, 2] && b.ints == [0, 0, 0, 1, 0, 1])
        let scalar = try OpHarness("NonZero", inputs: [("x", Tensor.scalar(3), true)]).run()["y"]!
        #expect(scalar.shape == [1, 1] && scalar.ints == [0])
        let none = try OpHarness("NonZero", inputs: [("x", Tensor(shape: [2, 0], floats: []), true)]).run()["y"]!
        #expect(none.shape == [2, 0])
    }

    @Test func nonZero_matchesReference() throws {
        var rng = SplitMix64(seed: 3)
        for shape in [[5], [3, 4], [2, 3, 4], [2, 1, 3, 2]] {
            let values = (0..<shape.reduce(1, *)).map { _ in Int64(rng.below(3)) - 1 }   // a third zeros
            let got = try OpHarness("NonZero", inputs: [("x", Tensor(shape: shape, ints: values), true)]).run()["y"]!
            // Reference: walk every coordinate in row-major order.
            var rows = [[Int64]](repeating: [], count: shape.count)
            for flat in values.indices where values[flat] != 0 {
                var rest = flat
                for axis in shape.indices.reversed() { rows[axis].append(Int64(rest % shape[axis])); rest /= shape[axis] }
            }
            #expect(got.shape == [shape.count, rows[0].count] && got.ints == rows.flatMap { $0 }, "shape \(shape)")
        }
    }

    // MARK: ScatterElements

    /// The spec's example: axis 1 with a negative index, then the opset-16 "add" reduction on duplicates.
    @Test func scatterElements_specExamplesAndReductions() throws {
        let data = Tensor(shape: [1, 5], floats: [1, 2, 3, 4, 5])
        let indices = Tensor(shape: [1, 2], ints: [1, -2])
        let updates = Tensor(shape: [1, 2], floats: [1.1, 2.1])
        let out = try OpHarness("ScatterElements", opset: 11, attributes: ["axis": .int(1)],
                                inputs: [("d", data, false), ("i", indices, false), ("u", updates, false)]).run()["y"]!
        #expect(out.floats == [1, 1.1, 3, 2.1, 5])
        let duplicate = Tensor(shape: [1, 2], ints: [1, 1])
        let add = try OpHarness("ScatterElements", opset: 16, attributes: ["axis": .int(1), "reduction": .string("add")],
                                inputs: [("d", data, false), ("i", duplicate, true), ("u", updates, false)]).run()["y"]!
        #expect(add.floats == [1, 5.2, 3, 4, 5])
        let ints = Tensor(shape: [3], ints: [5, 5, 5])
        let maximum = try OpHarness("ScatterElements", opset: 18, attributes: ["reduction": .string("max")], inputs: [
            ("d", ints, false), ("i", Tensor(shape: [3], ints: [0, 0, 2]), false), ("u", Tensor(shape: [3], ints: [9, 7, 1]), false),
        ]).run()["y"]!
        #expect(maximum.dtype == .int64 && maximum.ints == [9, 5, 5])
        // The opset-9 name.
        let scatter = try OpHarness("Scatter", opset: 9, inputs: [
            ("d", Tensor(shape: [2, 2], floats: [0, 0, 0, 0]), false), ("i", Tensor(shape: [1, 2], ints: [1, 0], dtype: .int32), false),
            ("u", Tensor(shape: [1, 2], floats: [7, 8]), false),
        ]).run()["y"]!
        #expect(scatter.floats == [0, 8, 7, 0])
    }

    @Test func scatterElements_matchesReferenceOnEveryAxisAndReduction() throws {
        var rng = SplitMix64(seed: 5)
        var failures: [String] = [], checked = 0
        let dataShape = [3, 4, 5]
        for axis in [0, 1, 2, -1] {
            for reduction in ["none", "add", "mul", "max", "min"] {
                for dtype in [DataType.float32, .int64] {
                    let indexShape = [2, 3, 4]
                    let count = indexShape.reduce(1, *), dim = dataShape[(axis + 3) % 3]
                    // Duplicate targets happen; both sides apply updates in row-major order (last wins for "none").
                    let indices = (0..<count).map { _ in Int64(rng.below(2 * dim)) - Int64(dim) }
                    let dataValues = (0..<dataShape.reduce(1, *)).map { _ in Float(rng.below(9)) - 4 }
                    let updateValues = (0..<count).map { _ in Float(rng.below(9)) - 4 }
                    func tensor(_ shape: [Int], _ v: [Float]) -> Tensor {
                        dtype == .float32 ? Tensor(shape: shape, floats: v) : Tensor(shape: shape, ints: v.map { Int64($0) })
                    }
                    let got = try OpHarness("ScatterElements", opset: 18, attributes: ["axis": .int(axis), "reduction": .string(reduction)],
                                            inputs: [("d", tensor(dataShape, dataValues), false), ("i", Tensor(shape: indexShape, ints: indices), false),
                                                     ("u", tensor(indexShape, updateValues), false)]).run()["y"]!
                    let expected = referenceScatter(data: dataValues, shape: dataShape, indices: indices, updates: updateValues,
                                                    indexShape: indexShape, axis: (axis + 3) % 3, reduction: reduction)
                    checked += 1
                    if got.dtype != dtype || got.floats != expected {
                        failures.append("axis \(axis) \(reduction) \(dtype): \(firstMismatch(got.floats, expected, tolerance: 0) ?? "dtype \(got.dtype)")")
                    }
                }
            }
        }
        #expect(checked == 40)
        #expect(failures.isEmpty, "\(failures.count) failing, first: \(failures.first ?? "")")
    }

    @Test func scatterElements_rejectsBadShapesIndicesAndReductions() throws {
        let data = Tensor(shape: [2, 2], floats: [0, 0, 0, 0]), updates = Tensor(shape: [1, 2], floats: [1, 2])
        func run(_ opset: Int, _ attributes: [String: Attribute], _ indices: Tensor, _ u: Tensor = updates) throws {
            _ = try OpHarness("ScatterElements", opset: opset, attributes: attributes,
                              inputs: [("d", data, false), ("i", indices, true), ("u", u, false)]).run()
        }
        let good = Tensor(shape: [1, 2], ints: [0, 1])
        expectError(containing: "ScatterElements") { try run(13, [:], good, Tensor(shape: [2], floats: [1, 2])) }
        expectError(containing: "index 2 is out of range") { try run(13, [:], Tensor(shape: [1, 2], ints: [0, 2])) }
        expectError(containing: "reduction 'add' is not defined at opset 13") { try run(13, ["reduction": .string("add")], good) }
        expectError(containing: "reduction 'max' is not defined at opset 16") { try run(16, ["reduction": .string("max")], good) }
    }

    @Test func scatterElements_emptyIndicesCopyData() throws {
        let out = try OpHarness("ScatterElements", inputs: [
            ("d", iota([2, 3]), false), ("i", Tensor(shape: [0, 3], ints: []), true), ("u", Tensor(shape: [0, 3], floats: []), true),
        ]).run()["y"]!
        #expect(out.floats == iota([6]).floats)
    }

    // MARK: GatherND

    @Test func gatherND_specExamples() throws {
        let data = Tensor(shape: [2, 2, 2], floats: [0, 1, 2, 3, 4, 5, 6, 7])
        // indices [[0, 1], [1, 0]] -> rows [2, 3] and [4, 5].
        let rows = try OpHarness("GatherND", opset: 11, inputs: [("d", data, false), ("i", Tensor(shape: [2, 2], ints: [0, 1, 1, 0]), false)]).run()["y"]!
        #expect(rows.shape == [2, 2] && rows.floats == [2, 3, 4, 5])
        // batch_dims 1: indices [[1], [0]] pick data[0][1] and data[1][0].
        let batched = try OpHarness("GatherND", opset: 12, attributes: ["batch_dims": .int(1)],
                                    inputs: [("d", data, false), ("i", Tensor(shape: [2, 1], ints: [1, 0]), true)]).run()["y"]!
        #expect(batched.shape == [2, 2] && batched.floats == [2, 3, 4, 5])
        // Full-rank indices with negatives on int64 data.
        let ints = Tensor(shape: [2, 2], ints: [10, 11, 12, 13])
        let scalars = try OpHarness("GatherND", inputs: [("d", ints, false), ("i", Tensor(shape: [2, 2], ints: [-1, -1, 0, 1]), false)]).run()["y"]!
        #expect(scalars.dtype == .int64 && scalars.shape == [2] && scalars.ints == [13, 11])
    }

    @Test func gatherND_matchesReferenceWithBatchDims() throws {
        var rng = SplitMix64(seed: 9)
        let dataShape = [2, 3, 4, 5]
        let data = (0..<dataShape.reduce(1, *)).map { Float($0) }
        var failures: [String] = []
        for (batchDims, indexShape) in [(0, [3, 1]), (0, [2, 2, 2]), (0, [4]), (1, [2, 3, 2]), (2, [2, 3, 1, 2]), (1, [2, 3]), (0, [0, 2])] {
            let last = indexShape.last!
            let dims = Array(dataShape[batchDims..<(batchDims + last)])
            let indices = (0..<indexShape.reduce(1, *)).map { k -> Int64 in
                let d = dims[k % last]
                return Int64(rng.below(2 * d)) - Int64(d)
            }
            let got = try OpHarness("GatherND", opset: 13, attributes: ["batch_dims": .int(batchDims)],
                                    inputs: [("d", Tensor(shape: dataShape, floats: data), false),
                                             // Session inputs cannot have a zero dim, so empty indices come as a constant.
                                             ("i", Tensor(shape: indexShape, ints: indices), indices.isEmpty)]).run()["y"]!
            let (shape, expected) = referenceGatherND(data: data, shape: dataShape, indices: indices, indexShape: indexShape, batchDims: batchDims)
            if got.shape != shape || got.floats != expected { failures.append("batch_dims \(batchDims) \(indexShape): got \(got.shape) expected \(shape)") }
        }
        #expect(failures.isEmpty, "\(failures.count) failing, first: \(failures.first ?? "")")
    }

    @Test func gatherND_rejectsBadShapes() throws {
        let data = iota([2, 3])
        expectError(containing: "GatherND") {
            _ = try OpHarness("GatherND", inputs: [("d", data, false), ("i", Tensor(shape: [1, 3], ints: [0, 0, 0]), false)]).run()
        }
        expectError(containing: "batch_dims") {
            _ = try OpHarness("GatherND", opset: 12, attributes: ["batch_dims": .int(2)],
                              inputs: [("d", data, false), ("i", Tensor(shape: [2, 1], ints: [0, 0]), false)]).run()
        }
        expectError(containing: "index 3 is out of range") {
            _ = try OpHarness("GatherND", inputs: [("d", data, false), ("i", Tensor(shape: [1, 2], ints: [0, 3]), true)]).run()
        }
    }
}

/// Integer paths of element-wise ops, reductions and TopK (shape arithmetic in detection exports).
@Suite struct IntegerOperatorTests {
    @Test func mod_integerSignRulesAndFloatRequiresFmod() throws {
        let a = Tensor(shape: [4], ints: [-7, 7, -7, 7]), b = Tensor(shape: [4], ints: [3, -3, -3, 3])
        let floor = try OpHarness("Mod", opset: 13, inputs: [("a", a, false), ("b", b, false)]).run()["y"]!
        #expect(floor.ints == [2, -2, -1, 1])   // sign of the divisor
        let trunc = try OpHarness("Mod", opset: 13, attributes: ["fmod": .int(1)], inputs: [("a", a, false), ("b", b, false)]).run()["y"]!
        #expect(trunc.ints == [-1, 1, -1, 1])   // sign of the dividend
        let fa = Tensor(shape: [2], floats: [-7.5, 7.5]), fb = Tensor(shape: [2], floats: [2, 2])
        let fmod = try OpHarness("Mod", attributes: ["fmod": .int(1)], inputs: [("a", fa, false), ("b", fb, false)]).run()["y"]!
        #expect(fmod.floats == [-1.5, 1.5])
        expectError(containing: "fmod = 1") { _ = try OpHarness("Mod", inputs: [("a", fa, false), ("b", fb, false)]).run() }
    }

    @Test func xor_onBooleans() throws {
        let out = try OpHarness("Xor", inputs: [("a", Tensor(shape: [4], bools: [true, true, false, false]), false),
                                                ("b", Tensor(shape: [1], bools: [true]), false)]).run()["y"]!
        #expect(out.dtype == .bool && out.ints == [0, 0, 1, 1])
    }

    @Test func reductions_onInt64ShapeTensors() throws {
        let x = Tensor(shape: [2, 3], ints: [3, -2, 5, 4, 1, 2])
        func reduce(_ op: String, _ attributes: [String: Attribute]) throws -> Tensor {
            try OpHarness(op, opset: 11, attributes: attributes, inputs: [("x", x, false)]).run()["y"]!
        }
        let prod = try reduce("ReduceProd", ["keepdims": .int(0)])
        #expect(prod.dtype == .int64 && prod.shape == [] && prod.ints == [-240])
        #expect(try reduce("ReduceMin", ["axes": .ints([1])]).ints == [-2, 1])
        #expect(try reduce("ReduceMax", ["axes": .ints([0]), "keepdims": .int(0)]).ints == [4, 1, 5])
        #expect(try reduce("ReduceSum", ["axes": .ints([-1])]).ints == [6, 7])
        #expect(try reduce("ReduceMean", ["axes": .ints([1])]).ints == [2, 2])
        #expect(try reduce("ReduceSumSquare", ["axes": .ints([1])]).ints == [38, 21])
        expectError(containing: "ReduceL2") { _ = try reduce("ReduceL2", [:]) }
        let folded = try OpHarness("ReduceProd", opset: 13, attributes: ["keepdims": .int(0)], inputs: [("x", x, true)]).run()["y"]!
        #expect(folded.ints == [-240])
    }

    @Test func topK_onInt64() throws {
        let out = try OpHarness("TopK", opset: 11, attributes: ["largest": .int(0)],
                                inputs: [("x", Tensor(shape: [5], ints: [4, -1, 7, -1, 0]), false), ("k", Tensor(shape: [1], ints: [3]), true)],
                                outputs: ["v", "i"]).run()
        #expect(out["v"]!.dtype == .int64 && out["v"]!.ints == [-1, -1, 0])
        #expect(out["i"]!.ints == [1, 3, 4])
    }

    @Test func cast_betweenFloatInt64AndBool() throws {
        func cast(_ x: Tensor, _ to: Int) throws -> Tensor {
            try OpHarness("Cast", attributes: ["to": .int(to)], inputs: [("x", x, false)]).run()["y"]!
        }
        #expect(try cast(Tensor(shape: [3], floats: [2.9, -2.9, 0]), 7).ints == [2, -2, 0])
        #expect(try cast(Tensor(shape: [3], floats: [0.5, 0, -1]), 9).ints == [1, 0, 1])
        #expect(try cast(Tensor(shape: [2], ints: [-3, 1 << 40]), 1).floats == [-3, Float(1 << 40)])
        #expect(try cast(Tensor(shape: [2], bools: [true, false]), 7).ints == [1, 0])
        #expect(try cast(Tensor(shape: [2], ints: [0, -5]), 9).dtype == .bool)
    }
}

// MARK: - references

/// ScatterElements by visiting every update's coordinate (the spec's pseudo-code), in Float.
private func referenceScatter(data: [Float], shape: [Int], indices: [Int64], updates: [Float], indexShape: [Int],
                              axis: Int, reduction: String) -> [Float] {
    var out = data
    for flat in indices.indices {
        var coordinate = [Int](repeating: 0, count: indexShape.count), rest = flat
        for d in indexShape.indices.reversed() { coordinate[d] = rest % indexShape[d]; rest /= indexShape[d] }
        let i = Int(indices[flat])
        coordinate[axis] = i < 0 ? i + shape[axis] : i
        let target = coordinate.indices.reduce(0) { $0 * shape[$1] + coordinate[$1] }
        let u = updates[flat]
        switch reduction {
        case "add": out[target] += u
        case "mul": out[target] *= u
        case "max": out[target] = max(out[target], u)
        case "min": out[target] = min(out[target], u)
        default: out[target] = u
        }
    }
    return out
}

/// GatherND by the spec's reshaping: [batch, tuples, last] indices into [batch, data...] slices.
private func referenceGatherND(data: [Float], shape: [Int], indices: [Int64], indexShape: [Int], batchDims: Int) -> ([Int], [Float]) {
    let last = indexShape.last!
    let outShape = Array(indexShape.dropLast()) + Array(shape.dropFirst(batchDims + last))
    let batch = indexShape.prefix(batchDims).reduce(1, *)
    let tuples = indexShape.dropFirst(batchDims).dropLast().reduce(1, *)
    let slice = shape.dropFirst(batchDims + last).reduce(1, *)
    let perBatch = shape.dropFirst(batchDims).reduce(1, *)
    var out: [Float] = []
    for b in 0..<batch {
        for t in 0..<tuples {
            var offset = 0
            for k in 0..<last {
                let dim = shape[batchDims + k]
                var i = Int(indices[(b * tuples + t) * last + k])
                if i < 0 { i += dim }
                offset = offset * dim + i
            }
            let start = b * perBatch + offset * slice
            out += data[start..<(start + slice)]
        }
    }
    return (outShape, out)
}
