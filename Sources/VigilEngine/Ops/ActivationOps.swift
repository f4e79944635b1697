import Foundation
import VigilKernels

/// Activations and unary maths over float32 tensors of any shape.
enum ActivationOps {
    static let unaryOps: [String: UnaryOp] = [
        "Neg": .neg, "Abs": .abs, "Sqrt": .sqrt, "Reciprocal": .reciprocal, "Exp": .exp, "Log": .log,
        "Floor": .floor, "Ceil": .ceil, "Round": .round, "Sin": .sin, "Cos": .cos, "Erf": .erf, "Sign": .sign,
        "Softplus": .softplus, "Softsign": .softsign,
    ]

    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        table["Relu"] = { try activation($0) { _ in .relu } }
        table["Sigmoid"] = { try activation($0) { _ in .sigmoid } }
        table["Tanh"] = { try activation($0) { _ in .tanh } }
        table["HardSwish"] = { try activation($0) { _ in .hardSwish } }
        table["LeakyRelu"] = { try activation($0) { .leakyRelu(alpha: try $0.float("alpha", default: 0.01)) } }
        table["Elu"] = { try activation($0) { .elu(alpha: try $0.float("alpha", default: 1)) } }
        table["HardSigmoid"] = {
            try activation($0) { .hardSigmoid(alpha: try $0.float("alpha", default: 0.2), beta: try $0.float("beta", default: 0.5)) }
        }
        table["Clip"] = { try activation($0) { ctx in
            let (lo, hi) = try clipBounds(ctx)
            return .clip(min: lo, max: hi)
        } }
        for (name, op) in unaryOps { table[name] = { try unaryOp($0, op) } }
        table["PRelu"] = prelu
        table["Selu"] = selu
        table["Gelu"] = gelu
    }

    /// Clip's bounds: attributes before opset 11, optional constant inputs from 11 on.
    static func clipBounds(_ ctx: OpContext) throws -> (Float, Float) {
        if ctx.opset < 11 {
            return (try ctx.float("min", default: -.greatestFiniteMagnitude), try ctx.float("max", default: .greatestFiniteMagnitude))
        }
        let lo = try ctx.optionalConstant(1, "min")?.floats.first ?? -.greatestFiniteMagnitude
        let hi = try ctx.optionalConstant(2, "max")?.floats.first ?? .greatestFiniteMagnitude
        return (lo, hi)
    }

    /// The fused-activation form of an activation node, or nil when the node is not one.
    static func fusable(_ node: Node, constants: [String: Tensor]) -> FusedActivation? {
        let ctx = OpContext(node: node, inputs: node.inputs.map { name in
            constants[name].map(ValueSpec.init)
        }, residual: nil, parallel: .serial)
        guard node.domain.isEmpty || node.domain == "ai.onnx" else { return nil }
        switch node.opType {
        case "Relu": return .relu
        case "Sigmoid": return .sigmoid
        case "Tanh": return .tanh
        case "HardSwish": return .hardSwish
        case "LeakyRelu": return (try? ctx.float("alpha", default: 0.01)).map { .leakyRelu(alpha: $0) }
        case "Elu": return (try? ctx.float("alpha", default: 1)).map { .elu(alpha: $0) }
        case "HardSigmoid":
            guard let a = try? ctx.float("alpha", default: 0.2), let b = try? ctx.float("beta", default: 0.5) else { return nil }
            return .hardSigmoid(alpha: a, beta: b)
        case "Clip":
            if node.opset >= 11 {
                for index in 1..<node.inputs.count where !node.inputs[index].isEmpty && constants[node.inputs[index]] == nil { return nil }
            }
            return (try? clipBounds(ctx)).map { .clip(min: $0.0, max: $0.1) }
        default: return nil
        }
    }

    static func activation(_ ctx: OpContext, _ make: (OpContext) throws -> Activation) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        let activation = try make(ctx)
        let count = x.count
        return .floatKernel(shape: x.shape) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            return {
                if UnsafePointer(output) != input { output.update(from: input, count: count) }
                activation.apply(output, count: count)
            }
        }
    }

    static func unaryOp(_ ctx: OpContext, _ op: UnaryOp) throws -> PreparedOp {
        let x = try ctx.input(0)
        if x.dtype != .float32 {
            guard x.dtype.isInteger, op == .neg || op == .abs || op == .sign else {
                throw ctx.error(.unsupportedType, "\(x.dtype) input is not supported")
            }
            return ElementwiseOps.genericKernel(specs: [x], shapes: [x.shape], outShape: x.shape, dtype: x.dtype) { t in
                let values = t[0].ints.map { v -> Int64 in op == .neg ? -v : (op == .abs ? Swift.abs(v) : v.signum()) }
                return Tensor(shape: x.shape, ints: values, dtype: x.dtype)
            }
        }
        let count = x.count
        return .floatKernel(shape: x.shape) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            return { unary(op, input: input, output: output, count: count) }
        }
    }

    /// PRelu: y = x < 0 ? slope·x : x, slope broadcast to x (unidirectionally).
    static func prelu(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        let slope = try ctx.constant(1, "slope")
        var slopeShape = slope.shape
        // Opset < 7 (and common exports): a [C] slope means per channel.
        if slopeShape.count == 1, x.shape.count >= 2, slopeShape[0] == x.shape[1], slopeShape[0] != x.shape.last {
            slopeShape = [slopeShape[0]] + Array(repeating: 1, count: x.shape.count - 2)
        }
        guard broadcastShape([x.shape, slopeShape]) == x.shape else {
            throw ctx.error(.shapeMismatch, "slope \(slope.shape) does not broadcast to \(x.shape)")
        }
        let maps = GenericElementwise.indexMaps([slopeShape], output: x.shape)[0]
        let values = slope.floats
        let expanded = maps.map { values[$0] }
        let count = x.count
        return .floatKernel(shape: x.shape) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            return {
                expanded.withUnsafeBufferPointer { s in
                    for i in 0..<count { let v = input[i]; output[i] = v < 0 ? v * s[i] : v }
                }
            }
        }
    }

    static func selu(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        let alpha = try ctx.float("alpha", default: 1.67326319217681884765625)
        let gamma = try ctx.float("gamma", default: 1.05070102214813232421875)
        let count = x.count
        return .floatKernel(shape: x.shape) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            return { for i in 0..<count { let v = input[i]; output[i] = v > 0 ? gamma * v : gamma * (alpha * expf(v) - alpha) } }
        }
    }

    static func gelu(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        let approximate = try ctx.string("approximate", default: "none")
        guard approximate == "none" || approximate == "tanh" else { throw ctx.unsupported("approximate '\(approximate)'") }
        let count = x.count
        return .floatKernel(shape: x.shape) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            if approximate == "tanh" {
                return { for i in 0..<count { let v = input[i]; output[i] = 0.5 * v * (1 + tanhf(0.7978845608 * (v + 0.044715 * v * v * v))) } }
            }
            return { for i in 0..<count { let v = input[i]; output[i] = 0.5 * v * (1 + erff(v * 0.70710678118654752)) } }
        }
    }
}
