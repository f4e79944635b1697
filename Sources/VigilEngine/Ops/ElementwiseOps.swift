import VigilKernels

/// Binary and variadic element-wise ops with numpy broadcasting (opset-1 `broadcast`/`axis`
/// attributes honoured), comparisons, logic and Where.
/// https://onnx.ai/onnx/repo-docs/Broadcasting.html
enum ElementwiseOps {
    static let binaryOps: [String: BinaryOp] = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div, "Pow": .pow,
                                                "Max": .max, "Min": .min, "Sum": .add]
    static let comparisons = ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"]

    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        for name in ["Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Mod"] {
            table[name] = { try arithmetic($0, name) }
        }
        for name in comparisons { table[name] = { try compare($0, name) } }
        table["Not"] = logicalNot
        table["Where"] = whereOp
    }

    /// Input shapes, with the opset-1..6 `broadcast=1, axis=k` rule applied to the second input.
    static func shapes(_ ctx: OpContext) throws -> [[Int]] {
        var shapes = try (0..<ctx.inputCount).map { try ctx.input($0).shape }
        if ctx.opset < 7, shapes.count == 2, try ctx.int("broadcast", default: 0) != 0 {
            let a = shapes[0], b = shapes[1]
            if let axisAttr = try? ctx.int("axis", default: Int.min), axisAttr != Int.min {
                let axis = axisAttr < 0 ? axisAttr + a.count : axisAttr
                guard axis >= 0, axis + b.count <= a.count else {
                    throw ctx.error(.shapeMismatch, "legacy broadcast of \(b) at axis \(axisAttr) does not fit \(a)")
                }
                shapes[1] = b + Array(repeating: 1, count: a.count - axis - b.count)
            }
        }
        return shapes
    }

    static func arithmetic(_ ctx: OpContext, _ name: String) throws -> PreparedOp {
        let specs = try (0..<ctx.inputCount).map { try ctx.input($0) }
        guard !specs.isEmpty else { throw ctx.error(.invalidModel, "needs at least one input") }
        let shapes = try shapes(ctx)
        guard let outShape = broadcastShape(shapes) else {
            throw ctx.error(.shapeMismatch, "input shapes \(shapes) do not broadcast")
        }
        let dtype = specs[0].dtype
        guard specs.allSatisfy({ $0.dtype == dtype }) || name == "Pow" else {
            throw ctx.error(.unsupportedType, "inputs have different types \(specs.map(\.dtype))")
        }
        // Mod: fmod = 0 takes the divisor's sign (integers only), fmod = 1 the dividend's (C fmod).
        let fmod = name == "Mod" ? try ctx.int("fmod", default: 0) : 0
        if name == "Mod" {
            guard fmod == 0 || fmod == 1 else { throw ctx.error(.invalidModel, "Mod fmod is \(fmod); it must be 0 or 1") }
            guard fmod == 1 || dtype != .float32 else {
                throw ctx.error(.invalidModel, "Mod of float32 inputs requires fmod = 1 (ONNX spec)")
            }
        }
        if dtype != .float32 {
            guard dtype.isInteger || (name == "Pow" && dtype == .float32) else {
                throw ctx.error(.unsupportedType, "\(dtype) inputs are not supported")
            }
            let op = name == "Mean" ? "Add" : (name == "Mod" && fmod == 1 ? "FMod" : name)
            return genericKernel(specs: specs, shapes: shapes, outShape: outShape, dtype: dtype) { tensors in
                var result = tensors[0]
                for next in tensors.dropFirst() {
                    result = GenericElementwise.binary(op, result, next,
                                                       outputShape: broadcastShape([result.shape, next.shape])!, dtype: dtype)
                }
                if name == "Mean" { result = Tensor(shape: result.shape, ints: result.ints.map { $0 / Int64(tensors.count) }, dtype: dtype) }
                return result
            }
        }
        if specs.count == 1 {
            return .floatKernel(shape: outShape) { buffers in
                let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
                let count = outShape.reduce(1, *)
                return { output.update(from: input, count: count) }
            }
        }
        if name == "Mod" {
            return genericKernel(specs: specs, shapes: shapes, outShape: outShape, dtype: dtype) { tensors in
                let maps = GenericElementwise.indexMaps([tensors[0].shape, tensors[1].shape], output: outShape)
                let x = tensors[0].floats, y = tensors[1].floats
                let values = (0..<outShape.reduce(1, *)).map { i -> Float in
                    Float(Foundation.fmod(Double(x[maps[0][i]]), Double(y[maps[1][i]])))
                }
                return Tensor(shape: outShape, floats: values)
            }
        }
        let op = binaryOps[name == "Mean" ? "Sum" : name]!
        // Pairwise chain: stage i combines the running result with input i+1.
        var stages: [BroadcastBinary] = []
        var running = shapes[0]
        for shape in shapes.dropFirst() {
            let stage = try BroadcastBinary(op, lhsShape: running, rhsShape: shape)
            stages.append(stage)
            running = stage.outputShape
        }
        let total = outShape.reduce(1, *)
        let scale: Float = name == "Mean" ? 1 / Float(specs.count) : 1
        let needsScratch = stages.count > 1
        return .floatKernel(shape: outShape, scratchBytes: needsScratch ? total * 4 * 2 : 0) { buffers in
            let inputs = (0..<specs.count).map { buffers.input($0, as: Float.self) }
            let output = buffers.output(0, as: Float.self)
            if !needsScratch {
                let stage = stages[0], lhs = inputs[0], rhs = inputs[1]
                return { stage.run(lhs: lhs, rhs: rhs, output: output) }
            }
            let scratch = buffers.scratch!.assumingMemoryBound(to: Float.self)
            let ping = scratch, pong = scratch + total
            return {
                var lhs = inputs[0]
                for (index, stage) in stages.enumerated() {
                    let destination = index == stages.count - 1 ? output : (index % 2 == 0 ? ping : pong)
                    stage.run(lhs: lhs, rhs: inputs[index + 1], output: destination)
                    lhs = UnsafePointer(destination)
                }
                if scale != 1 { for i in 0..<total { output[i] *= scale } }
            }
        }
    }

    static func compare(_ ctx: OpContext, _ name: String) throws -> PreparedOp {
        let specs = try [ctx.input(0), ctx.input(1)]
        let shapes = try shapes(ctx)
        guard let outShape = broadcastShape(shapes) else {
            throw ctx.error(.shapeMismatch, "input shapes \(shapes) do not broadcast")
        }
        return genericKernel(specs: specs, shapes: shapes, outShape: outShape, dtype: .bool) { tensors in
            GenericElementwise.binary(name, tensors[0].reshaped(shapes[0]), tensors[1].reshaped(shapes[1]),
                                      outputShape: outShape, dtype: .bool)
        }
    }

    static func logicalNot(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.input(0)
        return genericKernel(specs: [x], shapes: [x.shape], outShape: x.shape, dtype: .bool) { tensors in
            Tensor(shape: x.shape, bools: tensors[0].ints.map { $0 == 0 })
        }
    }

    static func whereOp(_ ctx: OpContext) throws -> PreparedOp {
        let specs = try [ctx.input(0), ctx.input(1), ctx.input(2)]
        guard let outShape = broadcastShape(specs.map(\.shape)) else {
            throw ctx.error(.shapeMismatch, "input shapes \(specs.map(\.shape)) do not broadcast")
        }
        let dtype = specs[1].dtype
        return genericKernel(specs: specs, shapes: specs.map(\.shape), outShape: outShape, dtype: dtype) { t in
            let maps = GenericElementwise.indexMaps(t.map(\.shape), output: outShape)
            let condition = t[0].ints
            let count = outShape.reduce(1, *)
            if dtype == .float32 {
                let x = t[1].floats, y = t[2].floats
                return Tensor(shape: outShape, floats: (0..<count).map { condition[maps[0][$0]] != 0 ? x[maps[1][$0]] : y[maps[2][$0]] })
            }
            if dtype == .bool {
                let x = t[1].ints, y = t[2].ints
                return Tensor(shape: outShape, bools: (0..<count).map { (condition[maps[0][$0]] != 0 ? x[maps[1][$0]] : y[maps[2][$0]]) != 0 })
            }
            let x = t[1].ints, y = t[2].ints
            return Tensor(shape: outShape, ints: (0..<count).map { condition[maps[0][$0]] != 0 ? x[maps[1][$0]] : y[maps[2][$0]] }, dtype: dtype)
        }
    }

    /// A kernel that reads its inputs as `Tensor`s and computes with a Swift closure (allocates):
    /// used for integer/boolean maths, which is almost always folded at load.
    static func genericKernel(specs: [ValueSpec], shapes: [[Int]], outShape: [Int], dtype: DataType,
                              compute: @escaping ([Tensor]) -> Tensor) -> PreparedOp {
        .kernel(outputs: [ValueSpec(dtype: dtype, shape: outShape)]) { buffers in
            let inputs = buffers.inputs
            let output = buffers.outputs[0]
            return {
                let tensors = zip(specs, shapes).enumerated().map { index, pair in
                    Tensor(dtype: pair.0.dtype, shape: pair.1, bytes: inputs[index]!)
                }
                compute(tensors).copyBytes(to: output)
            }
        }
    }
}

import Foundation
