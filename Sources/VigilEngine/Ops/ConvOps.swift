import VigilKernels

/// Conv and ConvTranspose (ONNX), 1-D and 2-D, over NCHW float32 with constant weights.
/// https://onnx.ai/onnx/operators/onnx__Conv.html
enum ConvOps {
    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        table["Conv"] = conv
        table["ConvTranspose"] = convTranspose
    }

    static func conv(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        let w = try ctx.constant(1, "W (weights)")
        guard x.shape.count == 4 || x.shape.count == 3 else {
            throw ctx.unsupported("only 1-D and 2-D convolutions are supported; input has shape \(x.shape)")
        }
        guard w.shape.count == x.shape.count, w.dtype == .float32 else {
            throw ctx.error(.invalidModel, "weights have shape \(w.shape) (\(w.dtype)); expected rank \(x.shape.count) float32")
        }
        let oneD = x.shape.count == 3
        let (n, c) = (x.shape[0], x.shape[1])
        let (height, width) = oneD ? (1, x.shape[2]) : (x.shape[2], x.shape[3])
        let group = try ctx.int("group", default: 1)
        let m = w.shape[0]
        guard group > 0, c % group == 0, m % group == 0, w.shape[1] == c / group else {
            throw ctx.error(.shapeMismatch, "input has \(c) channels, weights \(w.shape), group \(group): channels do not divide")
        }
        let kernel = Array(w.shape.dropFirst(2))
        let attributes = try SpatialAttributes(ctx, spatialRank: kernel.count, kernel: try ctx.ints("kernel_shape") ?? kernel)
        guard attributes.kernel == kernel else {
            throw ctx.error(.shapeMismatch, "kernel_shape \(attributes.kernel) differs from the weights' \(kernel)")
        }
        let (h, wAxis) = try attributes.resolve(ctx, height: height, width: width, ceilMode: false)
        let bias = try ctx.optionalConstant(2, "B (bias)")
        if let bias, bias.count != m { throw ctx.error(.shapeMismatch, "bias has \(bias.count) values for \(m) output channels") }

        let geometry = ConvGeometry(
            batch: n, inChannels: c, inHeight: height, inWidth: width, outChannels: m,
            kernelHeight: h.kernel, kernelWidth: wAxis.kernel, strideHeight: h.stride, strideWidth: wAxis.stride,
            dilationHeight: h.dilation, dilationWidth: wAxis.dilation,
            padTop: h.padBegin, padLeft: wAxis.padBegin, padBottom: h.padEnd, padRight: wAxis.padEnd, groups: group)
        let outShape = oneD ? [n, m, wAxis.output] : [n, m, h.output, wAxis.output]
        if let residual = ctx.residual, residual.shape != outShape {
            throw ctx.error(.shapeMismatch, "fused residual has shape \(residual.shape), output \(outShape)")
        }
        let weights = w.floats
        let biasValues = bias?.floats
        let conv = weights.withUnsafeBufferPointer { wp in
            if let biasValues {
                return biasValues.withUnsafeBufferPointer { bp in
                    Conv2D(geometry: geometry, weights: wp, bias: bp, activation: ctx.node.fused.activation.kernelActivation)
                }
            }
            return Conv2D(geometry: geometry, weights: wp, bias: nil, activation: ctx.node.fused.activation.kernelActivation)
        }
        let macs = n * m * h.output * wAxis.output * (c / group) * h.kernel * wAxis.kernel
        let parallel = ctx.parallel
        return PreparedOp.floatKernel(shape: outShape, scratchBytes: conv.scratchCount * 4) { buffers in
            let input = buffers.input(0, as: Float.self)
            let output = buffers.output(0, as: Float.self)
            let residual = buffers.residual?.assumingMemoryBound(to: Float.self)
            let scratch = buffers.scratch?.assumingMemoryBound(to: Float.self)
            return { conv.run(input: input, output: output, residual: residual, scratch: scratch, parallel: parallel) }
        }.counting(flops: 2 * macs)
    }

    static func convTranspose(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        let w = try ctx.constant(1, "W (weights)")
        guard x.shape.count == 4 || x.shape.count == 3, w.shape.count == x.shape.count else {
            throw ctx.unsupported("only 1-D and 2-D transposed convolutions are supported; input \(x.shape), weights \(w.shape)")
        }
        let oneD = x.shape.count == 3
        let (n, c) = (x.shape[0], x.shape[1])
        let (height, width) = oneD ? (1, x.shape[2]) : (x.shape[2], x.shape[3])
        let group = try ctx.int("group", default: 1)
        guard group > 0, w.shape[0] == c, c % group == 0 else {
            throw ctx.error(.shapeMismatch, "input has \(c) channels, weights \(w.shape), group \(group)")
        }
        let m = w.shape[1] * group
        let kernel = Array(w.shape.dropFirst(2))
        let rank = kernel.count
        let strides = try ctx.ints("strides") ?? Array(repeating: 1, count: rank)
        let dilations = try ctx.ints("dilations") ?? Array(repeating: 1, count: rank)
        let outputPadding = try ctx.ints("output_padding") ?? Array(repeating: 0, count: rank)
        var pads = try ctx.ints("pads") ?? Array(repeating: 0, count: 2 * rank)
        let autoPad = try ctx.string("auto_pad", default: "NOTSET")
        guard strides.count == rank, dilations.count == rank, outputPadding.count == rank, pads.count == 2 * rank else {
            throw ctx.error(.invalidModel, "strides/dilations/output_padding/pads do not match \(rank) spatial dims")
        }
        let inputs = oneD ? [width] : [height, width]
        var outputs = [Int](repeating: 0, count: rank)
        if let outputShape = try ctx.ints("output_shape") {
            let spatial = Array(outputShape.suffix(rank))
            for i in 0..<rank {
                let total = strides[i] * (inputs[i] - 1) + outputPadding[i] + ((kernel[i] - 1) * dilations[i] + 1) - spatial[i]
                let begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
                pads[i] = begin; pads[i + rank] = total - begin
                outputs[i] = spatial[i]
            }
        } else {
            for i in 0..<rank {
                if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
                    outputs[i] = inputs[i] * strides[i]
                    let total = max(0, strides[i] * (inputs[i] - 1) + outputPadding[i] + ((kernel[i] - 1) * dilations[i] + 1) - outputs[i])
                    pads[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
                    pads[i + rank] = total - pads[i]
                } else {
                    if autoPad == "VALID" { pads[i] = 0; pads[i + rank] = 0 }
                    outputs[i] = strides[i] * (inputs[i] - 1) + outputPadding[i] + ((kernel[i] - 1) * dilations[i] + 1) - pads[i] - pads[i + rank]
                }
            }
        }
        guard outputs.allSatisfy({ $0 > 0 }) else { throw ctx.error(.shapeMismatch, "computed output size \(outputs) is empty") }
        let bias = try ctx.optionalConstant(2, "B (bias)")
        let outH = oneD ? 1 : outputs[0], outW = outputs[rank - 1]
        let geometry = ConvTransposeGeometry(
            batch: n, inChannels: c, inHeight: height, inWidth: width, outChannels: m, outHeight: outH, outWidth: outW,
            kernelHeight: oneD ? 1 : kernel[0], kernelWidth: kernel[rank - 1],
            strideHeight: oneD ? 1 : strides[0], strideWidth: strides[rank - 1],
            dilationHeight: oneD ? 1 : dilations[0], dilationWidth: dilations[rank - 1],
            padTop: oneD ? 0 : pads[0], padLeft: pads[rank - 1], groups: group)
        let weights = w.floats
        let biasValues = bias?.floats
        let activation = ctx.node.fused.activation.kernelActivation
        let op = weights.withUnsafeBufferPointer { wp in
            if let biasValues {
                return biasValues.withUnsafeBufferPointer { ConvTranspose2D(geometry: geometry, weights: wp, bias: $0, activation: activation) }
            }
            return ConvTranspose2D(geometry: geometry, weights: wp, bias: nil, activation: activation)
        }
        let parallel = ctx.parallel
        let outShape = oneD ? [n, m, outW] : [n, m, outH, outW]
        let macs = n * c * height * width * (m / group) * kernel.reduce(1, *)
        return PreparedOp.floatKernel(shape: outShape, scratchBytes: op.scratchCount * 4) { buffers in
            let input = buffers.input(0, as: Float.self)
            let output = buffers.output(0, as: Float.self)
            let scratch = buffers.scratch?.assumingMemoryBound(to: Float.self)
            return { op.run(input: input, output: output, scratch: scratch, parallel: parallel) }
        }.counting(flops: 2 * macs)
    }
}
