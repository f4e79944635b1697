import VigilKernels

/// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool (ONNX) and com.microsoft::LegacyPadding
/// (Caffe ceil-mode padding of the 2018 Custom Vision exports), over NCHW float32.
enum PoolOps {
    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        table["MaxPool"] = { try pool($0, max: true) }
        table["AveragePool"] = { try pool($0, max: false) }
        table["GlobalAveragePool"] = { try global($0, max: false) }
        table["GlobalMaxPool"] = { try global($0, max: true) }
        table["com.microsoft::LegacyPadding"] = legacyPadding
    }

    static func pool(_ ctx: OpContext, max isMax: Bool) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        guard x.shape.count == 4 || x.shape.count == 3 else {
            throw ctx.unsupported("only 1-D and 2-D pooling is supported; input has shape \(x.shape)")
        }
        if ctx.node.outputs.count > 1, !ctx.node.outputs[1].isEmpty {
            throw ctx.unsupported("the Indices output of MaxPool is not supported")
        }
        let oneD = x.shape.count == 3
        let attributes = try SpatialAttributes(ctx, spatialRank: oneD ? 1 : 2, kernel: nil)
        let ceilMode = try ctx.int("ceil_mode", default: 0) != 0
        let (height, width) = oneD ? (1, x.shape[2]) : (x.shape[2], x.shape[3])
        let (h, w) = try attributes.resolve(ctx, height: height, width: width, ceilMode: ceilMode)
        if !isMax, attributes.dilations.contains(where: { $0 != 1 }), ctx.opset < 19 {
            throw ctx.error(.invalidModel, "AveragePool has no dilations before opset 19")
        }
        let countIncludePad = try ctx.int("count_include_pad", default: 0) != 0
        let geometry = PoolGeometry(
            batch: x.shape[0], channels: x.shape[1], inHeight: height, inWidth: width, outHeight: h.output, outWidth: w.output,
            kernelHeight: h.kernel, kernelWidth: w.kernel, strideHeight: h.stride, strideWidth: w.stride,
            dilationHeight: h.dilation, dilationWidth: w.dilation,
            padTop: h.padBegin, padLeft: w.padBegin, padBottom: h.padEnd, padRight: w.padEnd)
        let parallel = ctx.parallel
        let outShape = oneD ? [x.shape[0], x.shape[1], w.output] : [x.shape[0], x.shape[1], h.output, w.output]
        let scratchBytes = isMax ? maxPool2DScratchCount(geometry, parallel: parallel) * 4 : 0
        return .floatKernel(shape: outShape, scratchBytes: scratchBytes) { buffers in
            let input = buffers.input(0, as: Float.self)
            let output = buffers.output(0, as: Float.self)
            if isMax {
                let scratch = buffers.scratch!.assumingMemoryBound(to: Float.self)
                return { maxPool2D(input: input, output: output, geometry: geometry, scratch: scratch, parallel: parallel) }
            }
            return { averagePool2D(input: input, output: output, geometry: geometry, countIncludePad: countIncludePad, parallel: parallel) }
        }
    }

    static func global(_ ctx: OpContext, max isMax: Bool) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        guard x.shape.count >= 3 else { throw ctx.error(.shapeMismatch, "input \(x.shape) has no spatial dims") }
        let planes = x.shape[0] * x.shape[1]
        let spatial = x.shape.dropFirst(2).reduce(1, *)
        let outShape = [x.shape[0], x.shape[1]] + Array(repeating: 1, count: x.shape.count - 2)
        return .floatKernel(shape: outShape) { buffers in
            let input = buffers.input(0, as: Float.self)
            let output = buffers.output(0, as: Float.self)
            if isMax { return { globalMaxPool(input: input, output: output, planes: planes, spatial: spatial) } }
            return { globalAveragePool(input: input, output: output, planes: planes, spatial: spatial) }
        }
    }

    /// Pads H and W so that a following VALID pool behaves like Caffe's ceil-mode pooling:
    /// begin = pads[i], end = max(0, (pooled − 1)·s + k − H − begin) with
    /// pooled = ceil((H + 2·begin − k) / s) + 1, less one if that window would start in the padding.
    static func legacyPadding(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        guard x.shape.count == 4 else { throw ctx.unsupported("input must be NCHW, got \(x.shape)") }
        guard let kernel = try ctx.ints("kernel_shape"), kernel.count == 2 else {
            throw ctx.error(.invalidModel, "attribute 'kernel_shape' with two values is required")
        }
        let strides = try ctx.ints("strides") ?? [1, 1]
        let begins = try ctx.ints("pads") ?? [0, 0]
        let value = try ctx.float("value", default: 0)
        guard strides.count == 2, begins.count == 2, strides.allSatisfy({ $0 > 0 }), begins.allSatisfy({ $0 >= 0 }) else {
            throw ctx.unsupported("strides \(strides) and pads \(begins) must each hold two values (H, W)")
        }
        var pads = [0, 0, 0, 0, 0, 0, 0, 0]
        for axis in 0..<2 {
            let size = x.shape[2 + axis], k = kernel[axis], s = strides[axis], p = begins[axis]
            let span = size + 2 * p - k
            guard span >= 0 else { throw ctx.error(.shapeMismatch, "kernel \(k) is larger than the padded input \(size + 2 * p)") }
            var pooled = (span + s - 1) / s + 1
            if p > 0, (pooled - 1) * s >= size + p { pooled -= 1 }
            pads[2 + axis] = p
            pads[6 + axis] = max(0, (pooled - 1) * s + k - size - p)
        }
        let plan = PadPlan(shape: x.shape, pads: pads, mode: .constant(value))
        return .floatKernel(shape: plan.outputShape) { buffers in
            let input = buffers.input(0, as: Float.self)
            let output = buffers.output(0, as: Float.self)
            return { plan.run(input: input, output: output) }
        }
    }
}
