/// The shape of a 2-D pooling window over [batch, channels, inHeight, inWidth].
///
/// Output sizes are given: the caller resolves ceil_mode and auto_pad. Window (oh, ow) covers
/// rows oh * strideHeight - padTop + kh * dilationHeight for kh in 0..<kernelHeight, and likewise for
/// columns. See https://onnx.ai/onnx/operators/onnx__MaxPool.html and onnx__AveragePool.html
public struct PoolGeometry: Sendable, Hashable {
    public var batch, channels, inHeight, inWidth, outHeight, outWidth: Int
    public var kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth: Int
    public var padTop, padLeft, padBottom, padRight: Int

    public init(
        batch: Int, channels: Int, inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int,
        kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
        dilationHeight: Int, dilationWidth: Int, padTop: Int, padLeft: Int, padBottom: Int, padRight: Int
    ) {
        self.batch = batch
        self.channels = channels
        self.inHeight = inHeight
        self.inWidth = inWidth
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
        self.padBottom = padBottom
        self.padRight = padRight
    }

    func validate(_ name: String) {
        precondition(
            batch >= 0 && channels >= 0 && inHeight >= 1 && inWidth >= 1 && outHeight >= 0 && outWidth >= 0,
            "\(name): bad sizes in \(self)")
        precondition(
            kernelHeight >= 1 && kernelWidth >= 1 && strideHeight >= 1 && strideWidth >= 1
                && dilationHeight >= 1 && dilationWidth >= 1, "\(name): bad kernel, stride or dilation in \(self)")
        precondition(padTop >= 0 && padLeft >= 0 && padBottom >= 0 && padRight >= 0, "\(name): negative pads in \(self)")
    }
}

extension PoolGeometry {
    /// Output columns whose windows lie wholly inside the input row (no column checks needed).
    var interiorColumns: Range<Int> {
        let low = min(outWidth, ceilDiv(padLeft, strideWidth))
        let high = max(low, min(outWidth, floorDiv(inWidth - 1 + padLeft - (kernelWidth - 1) * dilationWidth, strideWidth) + 1))
        return low..<high
    }

    /// Output row `row`'s window: its top input row (possibly in the padding) and the kernel rows
    /// `firstTap..<endTap` that fall on real input rows.
    @inline(__always)
    func rowTaps(_ row: Int) -> (top: Int, firstTap: Int, endTap: Int) {
        let top = row &* strideHeight &- padTop
        let firstTap = max(0, ceilDiv(-top, dilationHeight))
        let endTap = max(firstTap, min(kernelHeight, floorDiv(inHeight - 1 - top, dilationHeight) + 1))
        return (top, firstTap, endTap)
    }
}
