/// The shape of a 2-D convolution: input, kernel, strides, dilations, pads and groups (ONNX Conv
/// attributes after auto_pad has been resolved into explicit pads).
///
/// Input is [batch, inChannels, inHeight, inWidth]; weights are
/// [outChannels, inChannels / groups, kernelHeight, kernelWidth]; output is
/// [batch, outChannels, outHeight, outWidth]. See https://onnx.ai/onnx/operators/onnx__Conv.html
public struct ConvGeometry: Sendable, Hashable {
    public var batch, inChannels, inHeight, inWidth, outChannels: Int
    public var kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth: Int
    public var padTop, padLeft, padBottom, padRight: Int
    public var groups: Int

    public init(
        batch: Int, inChannels: Int, inHeight: Int, inWidth: Int, outChannels: Int,
        kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
        dilationHeight: Int, dilationWidth: Int,
        padTop: Int, padLeft: Int, padBottom: Int, padRight: Int, groups: Int
    ) {
        self.batch = batch
        self.inChannels = inChannels
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.outChannels = outChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padTop = padTop
        self.padLeft = padLeft
        self.padBottom = padBottom
        self.padRight = padRight
        self.groups = groups
    }

    /// (inHeight + padTop + padBottom - dilationHeight * (kernelHeight - 1) - 1) / strideHeight + 1.
    public var outHeight: Int {
        (inHeight + padTop + padBottom - dilationHeight * (kernelHeight - 1) - 1) / strideHeight + 1
    }

    /// (inWidth + padLeft + padRight - dilationWidth * (kernelWidth - 1) - 1) / strideWidth + 1.
    public var outWidth: Int {
        (inWidth + padLeft + padRight - dilationWidth * (kernelWidth - 1) - 1) / strideWidth + 1
    }

    /// Input channels each group reads (C / groups).
    var groupInChannels: Int { inChannels / groups }
    /// Output channels each group writes (M / groups).
    var groupOutChannels: Int { outChannels / groups }

    /// Why the geometry cannot be run, or nil when it can.
    var problem: String? {
        if batch < 1 || inChannels < 1 || inHeight < 1 || inWidth < 1 || outChannels < 1 {
            return "sizes must be positive"
        }
        if kernelHeight < 1 || kernelWidth < 1 { return "kernel must be at least 1x1" }
        if strideHeight < 1 || strideWidth < 1 || dilationHeight < 1 || dilationWidth < 1 {
            return "strides and dilations must be at least 1"
        }
        if padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0 { return "pads must not be negative" }
        if groups < 1 || inChannels % groups != 0 || outChannels % groups != 0 {
            return "groups \(groups) must divide inChannels \(inChannels) and outChannels \(outChannels)"
        }
        if outHeight < 1 || outWidth < 1 { return "output would be empty" }
        return nil
    }
}
