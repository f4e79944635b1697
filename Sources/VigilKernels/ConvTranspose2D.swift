/// The shape of a 2-D transposed convolution (ONNX ConvTranspose with the output size resolved).
///
/// Input is [batch, inChannels, inHeight, inWidth]; weights are
/// [inChannels, outChannels / groups, kernelHeight, kernelWidth]; output is
/// [batch, outChannels, outHeight, outWidth]. Input pixel (ih, iw) scatters its kernel at
/// (ih * strideHeight - padTop + kh * dilationHeight, iw * strideWidth - padLeft + kw * dilationWidth);
/// the caller computes the output size from output_padding / output_shape / auto_pad.
/// See https://onnx.ai/onnx/operators/onnx__ConvTranspose.html
public struct ConvTransposeGeometry: Sendable, Hashable {
    public var batch, inChannels, inHeight, inWidth, outChannels, outHeight, outWidth: Int
    public var kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth: Int
    /// Begin pads: how far the scattered image is shifted up and left.
    public var padTop, padLeft: Int
    public var groups: Int

    public init(
        batch: Int, inChannels: Int, inHeight: Int, inWidth: Int, outChannels: Int, outHeight: Int, outWidth: Int,
        kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
        dilationHeight: Int, dilationWidth: Int, padTop: Int, padLeft: Int, groups: Int
    ) {
        self.batch = batch
        self.inChannels = inChannels
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.outChannels = outChannels
        self.outHeight = outHeight
        self.outWidth = outWidth
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padTop = padTop
        self.padLeft = padLeft
        self.groups = groups
    }
}

/// A prepared 2-D transposed convolution (ONNX ConvTranspose), bias and activation fused.
///
/// Per image and group: columns[Mg * kH * kW, H * W] = W_g^T x input_g by GEMM, then col2im adds the
/// columns into the output, which starts as the bias. `run` neither allocates nor throws; concurrent
/// calls need their own output and scratch.
public final class ConvTranspose2D: @unchecked Sendable {
    public let geometry: ConvTransposeGeometry
    let activation: Activation
    let weights: UnsafeMutableBufferPointer<Float>  // weights [C, M/groups, kH, kW]
    let bias: UnsafeMutableBufferPointer<Float>?  // bias [M]

    /// weights [C, M/groups, kH, kW] (copied); bias [M] or nil.
    public init(geometry: ConvTransposeGeometry, weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?, activation: Activation) {
        let g = geometry
        precondition(
            g.batch >= 1 && g.inChannels >= 1 && g.inHeight >= 1 && g.inWidth >= 1 && g.outChannels >= 1
                && g.outHeight >= 1 && g.outWidth >= 1, "ConvTranspose2D: sizes must be positive in \(g)")
        precondition(
            g.kernelHeight >= 1 && g.kernelWidth >= 1 && g.strideHeight >= 1 && g.strideWidth >= 1
                && g.dilationHeight >= 1 && g.dilationWidth >= 1, "ConvTranspose2D: bad kernel, stride or dilation in \(g)")
        precondition(
            g.groups >= 1 && g.inChannels % g.groups == 0 && g.outChannels % g.groups == 0,
            "ConvTranspose2D: groups \(g.groups) must divide the channel counts")
        let count = g.inChannels * (g.outChannels / g.groups) * g.kernelHeight * g.kernelWidth
        precondition(weights.count == count, "ConvTranspose2D: weights hold \(weights.count) floats, expected \(count)")
        precondition(bias == nil || bias!.count == g.outChannels, "ConvTranspose2D: bias must hold \(g.outChannels) floats")
        self.geometry = geometry
        self.activation = activation
        self.weights = .allocate(capacity: count)
        _ = self.weights.initialize(from: weights)
        if let bias {
            let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: bias.count)
            _ = copy.initialize(from: bias)
            self.bias = copy
        } else {
            self.bias = nil
        }
    }

    deinit {
        weights.deallocate()
        bias?.deallocate()
    }

    /// Floats of scratch `run` needs: one group's columns.
    public var scratchCount: Int {
        let g = geometry
        return (g.outChannels / g.groups) * g.kernelHeight * g.kernelWidth * g.inHeight * g.inWidth
    }

    public func run(
        input: UnsafePointer<Float>,  // input [N, C, H, W]
        output: UnsafeMutablePointer<Float>,  // output [N, M, OH, OW]
        scratch: UnsafeMutablePointer<Float>?,  // columns [M/groups * kH * kW, H * W]
        parallel: ParallelContext
    ) {
        guard let scratch else { preconditionFailure("ConvTranspose2D: needs \(scratchCount) floats of scratch") }
        let g = geometry
        let channels = g.inChannels / g.groups, filters = g.outChannels / g.groups
        let taps = g.kernelHeight * g.kernelWidth, inPixels = g.inHeight * g.inWidth
        let outPixels = g.outHeight * g.outWidth
        for image in 0..<g.batch {
            for group in 0..<g.groups {
                gemm(
                    transposeA: true, transposeB: false, m: filters * taps, n: inPixels, k: channels, alpha: 1,
                    a: weights.baseAddress! + group * channels * filters * taps, lda: filters * taps,
                    b: input + (image * g.inChannels + group * channels) * inPixels, ldb: inPixels, beta: 0,
                    c: scratch, ldc: inPixels, parallel: parallel)
                let firstPlane = image * g.outChannels + group * filters
                parallel.forEach(filters) { filter in
                    let plane = output + (firstPlane + filter) * outPixels
                    plane.update(repeating: bias?[group * filters + filter] ?? 0, count: outPixels)
                    col2im(columns: scratch + filter * taps * inPixels, plane: plane)
                    activation.apply(plane, count: outPixels)
                }
            }
        }
    }

    /// Adds one output channel's columns into its plane at the scattered positions.
    private func col2im(
        columns: UnsafePointer<Float>,  // columns [kH * kW, H * W] of one output channel
        plane: UnsafeMutablePointer<Float>  // plane [OH, OW]
    ) {
        let g = geometry
        for kh in 0..<g.kernelHeight {
            for kw in 0..<g.kernelWidth {
                let row = columns + (kh * g.kernelWidth + kw) * g.inHeight * g.inWidth
                let shift = kw * g.dilationWidth - g.padLeft
                // Input columns that land inside the output.
                let low = min(g.inWidth, max(0, ceilDiv(-shift, g.strideWidth)))
                let high = max(low, min(g.inWidth, floorDiv(g.outWidth - 1 - shift, g.strideWidth) + 1))
                for inputRow in 0..<g.inHeight {
                    let outputRow = inputRow * g.strideHeight - g.padTop + kh * g.dilationHeight
                    if outputRow < 0 || outputRow >= g.outHeight { continue }
                    let source = row + inputRow * g.inWidth
                    let target = plane + outputRow * g.outWidth + shift
                    for column in low..<high { target[column * g.strideWidth] += source[column] }
                }
            }
        }
    }
}
