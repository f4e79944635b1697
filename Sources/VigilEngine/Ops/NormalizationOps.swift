import Foundation
import VigilKernels

/// BatchNormalization (inference form, every opset incl. the opset-1 attribute set) and the
/// experimental ImageScaler of the 2018 exports, both as a per-channel affine map.
enum NormalizationOps {
    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        table["BatchNormalization"] = batchNorm
        table["ImageScaler"] = imageScaler
        table["InstanceNormalization"] = instanceNorm
        table["LayerNormalization"] = layerNorm
        table["LRN"] = localResponseNorm
    }

    /// LayerNormalization (opset 17): over the axes from `axis` to the end,
    /// y = (x − mean) / sqrt(var + eps) · scale + B, with scale and B broadcast over those axes.
    static func layerNorm(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        let rank = x.shape.count
        let axis = try ctx.axis(try ctx.int("axis", default: -1), rank: rank)
        let epsilon = Double(try ctx.float("epsilon", default: 1e-5))
        if try ctx.int("stash_type", default: 1) != 1 { throw ctx.unsupported("stash_type other than 1 (float)") }
        if ctx.node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
            throw ctx.unsupported("the Mean and InvStdDev outputs are not supported")
        }
        let outer = x.shape.prefix(axis).reduce(1, *), size = x.shape.dropFirst(axis).reduce(1, *)
        let normalizedShape = Array(x.shape.dropFirst(axis))
        func expanded(_ index: Int, _ what: String) throws -> [Float]? {
            guard let t = try ctx.optionalConstant(index, what) else { return nil }
            guard broadcastShape([normalizedShape, t.shape]) == normalizedShape else {
                throw ctx.error(.shapeMismatch, "\(what) \(t.shape) does not broadcast to \(normalizedShape)")
            }
            let values = t.floats
            return GenericElementwise.indexMaps([t.shape], output: normalizedShape)[0].map { values[$0] }
        }
        let scale = try expanded(1, "Scale") ?? Array(repeating: 1, count: size)
        let bias = try expanded(2, "B") ?? Array(repeating: 0, count: size)
        return .floatKernel(shape: x.shape) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            return {
                for row in 0..<outer {
                    let src = input + row * size, dst = output + row * size
                    var sum = 0.0
                    for i in 0..<size { sum += Double(src[i]) }
                    let mean = sum / Double(size)
                    var squares = 0.0
                    for i in 0..<size { let d = Double(src[i]) - mean; squares += d * d }
                    let inv = 1 / (squares / Double(size) + epsilon).squareRoot()
                    for i in 0..<size { dst[i] = Float((Double(src[i]) - mean) * inv) * scale[i] + bias[i] }
                }
            }
        }
    }

    /// LRN across channels (AlexNet/GoogLeNet-era exports):
    /// y = x / (bias + alpha/size · Σ x²)^beta over the `size` channels centred on c.
    static func localResponseNorm(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        guard x.shape.count >= 3 else { throw ctx.error(.shapeMismatch, "input \(x.shape) has no channel axis") }
        guard let size = try ctx.ints("size")?.first, size > 0 else { throw ctx.error(.invalidModel, "attribute 'size' is required") }
        let alpha = try ctx.float("alpha", default: 1e-4), beta = try ctx.float("beta", default: 0.75)
        let bias = try ctx.float("bias", default: 1)
        let batch = x.shape[0], channels = x.shape[1], spatial = x.shape.dropFirst(2).reduce(1, *)
        let before = (size - 1) / 2, after = size - 1 - before
        return .floatKernel(shape: x.shape) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            return {
                for n in 0..<batch {
                    for c in 0..<channels {
                        let lo = max(0, c - before), hi = min(channels - 1, c + after)
                        for p in 0..<spatial {
                            var squares: Float = 0
                            for k in lo...hi { let v = input[(n * channels + k) * spatial + p]; squares += v * v }
                            let index = (n * channels + c) * spatial + p
                            output[index] = input[index] / powf(bias + alpha / Float(size) * squares, beta)
                        }
                    }
                }
            }
        }
    }

    /// The folded per-channel scale and shift of an inference BatchNormalization:
    /// y = (x − mean) / sqrt(var + eps) · gamma + beta  =  x · scale + shift.
    static func affine(_ ctx: OpContext) throws -> (scale: [Float], shift: [Float]) {
        if ctx.opset >= 14, try ctx.int("training_mode", default: 0) != 0 {
            throw ctx.unsupported("training_mode=1 is not supported (inference only)")
        }
        if ctx.opset < 7, try ctx.int("is_test", default: 1) == 0, ctx.node.outputs.count > 1 {
            throw ctx.unsupported("is_test=0 with training outputs is not supported (inference only)")
        }
        if ctx.node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
            throw ctx.unsupported("the training outputs (running mean/var, saved mean/var) are not supported")
        }
        let x = try ctx.floatInput(0)
        let channels = x.shape.count > 1 ? x.shape[1] : 1
        let epsilon = Double(try ctx.float("epsilon", default: 1e-5))
        let gamma = try ctx.constant(1, "scale").floats
        let beta = try ctx.constant(2, "B").floats
        let mean = try ctx.constant(3, "mean").floats
        let variance = try ctx.constant(4, "var").floats
        guard [gamma.count, beta.count, mean.count, variance.count].allSatisfy({ $0 == channels }) else {
            throw ctx.error(.shapeMismatch, "scale/B/mean/var must each hold \(channels) values (spatial=0 is not supported)")
        }
        var scale = [Float](repeating: 0, count: channels), shift = scale
        for c in 0..<channels {
            let s = Double(gamma[c]) / (Double(variance[c]) + epsilon).squareRoot()
            scale[c] = Float(s)
            shift[c] = Float(Double(beta[c]) - Double(mean[c]) * s)
        }
        return (scale, shift)
    }

    static func batchNorm(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        let (scale, shift) = try affine(ctx)
        return channelKernel(x.shape, scale: scale, shift: shift, activation: ctx.node.fused.activation.kernelActivation)
    }

    /// ImageScaler: y = scale · x + bias[c].
    static func imageScaler(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        guard x.shape.count == 4 else { throw ctx.error(.shapeMismatch, "input must be NCHW, got \(x.shape)") }
        let factor = try ctx.float("scale", default: 1)
        let bias = try ctx.floats("bias") ?? Array(repeating: 0, count: x.shape[1])
        guard bias.count == x.shape[1] else {
            throw ctx.error(.shapeMismatch, "bias has \(bias.count) values for \(x.shape[1]) channels")
        }
        // The 2018 exports carry scale 1 and bias 0: nothing to do, no copy.
        if factor == 1 && bias.allSatisfy({ $0 == 0 }) { return .alias(shape: x.shape) }
        return channelKernel(x.shape, scale: Array(repeating: factor, count: x.shape[1]), shift: bias, activation: .identity)
    }

    static func channelKernel(_ shape: [Int], scale: [Float], shift: [Float], activation: Activation) -> PreparedOp {
        let batch = shape.first ?? 1
        let channels = shape.count > 1 ? shape[1] : 1
        let spatial = shape.dropFirst(2).reduce(1, *)
        return .floatKernel(shape: shape) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            return {
                scale.withUnsafeBufferPointer { s in
                    shift.withUnsafeBufferPointer { b in
                        channelAffine(input: input, output: output, scale: s.baseAddress!, shift: b.baseAddress!,
                                      batch: batch, channels: channels, spatial: spatial)
                    }
                }
                activation.apply(output, count: batch * channels * spatial)
            }
        }
    }

    /// InstanceNormalization: per (n, c) plane, (x − mean) / sqrt(var + eps) · scale[c] + B[c].
    static func instanceNorm(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        guard x.shape.count >= 3 else { throw ctx.error(.shapeMismatch, "input \(x.shape) has no spatial dims") }
        let epsilon = try ctx.float("epsilon", default: 1e-5)
        let gamma = try ctx.constant(1, "scale").floats, beta = try ctx.constant(2, "B").floats
        let channels = x.shape[1], planes = x.shape[0] * channels, spatial = x.shape.dropFirst(2).reduce(1, *)
        guard gamma.count == channels, beta.count == channels else {
            throw ctx.error(.shapeMismatch, "scale and B must hold \(channels) values")
        }
        return .floatKernel(shape: x.shape) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            return {
                for plane in 0..<planes {
                    let src = input + plane * spatial, dst = output + plane * spatial
                    var sum: Double = 0
                    for i in 0..<spatial { sum += Double(src[i]) }
                    let mean = sum / Double(spatial)
                    var squares: Double = 0
                    for i in 0..<spatial { let d = Double(src[i]) - mean; squares += d * d }
                    let inv = 1 / (squares / Double(spatial) + Double(epsilon)).squareRoot()
                    let c = plane % channels
                    let s = Float(inv) * gamma[c], b = beta[c] - Float(mean * inv) * gamma[c]
                    for i in 0..<spatial { dst[i] = src[i] * s + b }
                }
            }
        }
    }
}
