/// Interpolation of ONNX Resize: nearest, (bi)linear or (bi)cubic over the last two axes.
public enum ResizeMode: Sendable, Hashable { case nearest, linear, cubic }

/// ONNX Resize coordinate_transformation_mode (tf_crop_and_resize is not supported).
public enum CoordinateTransform: Sendable, Hashable { case halfPixel, pytorchHalfPixel, alignCorners, asymmetric, halfPixelSymmetric }

/// ONNX Resize nearest_mode.
public enum NearestRounding: Sendable, Hashable { case roundPreferFloor, roundPreferCeil, floor, ceil }

/// ONNX Resize (opsets 11-19) or Upsample over the last two axes of [N, C, H, W], planned at prepare time.
///
/// Each output row and column is mapped to input coordinates once, with the spec's formulas in Float
/// (as ONNX Runtime does); the plan keeps, per axis, the input indices and weights of every output
/// index (1, 2 or 4 taps). Taps outside the image read the edge, as the spec's edge padding does;
/// with `excludeOutside` their weights drop to 0 and the rest are renormalised. `scaleHeight` and
/// `scaleWidth` are output/input factors (out/in when the model gave sizes). `run` allocates nothing.
/// See https://onnx.ai/onnx/operators/onnx__Resize.html
public final class ResizePlan: @unchecked Sendable {
    let batch, channels, inHeight, inWidth, outHeight, outWidth: Int
    let taps: Int
    let rowIndices: [Int], rowWeights: [Float]  // [outHeight, taps]
    let columnIndices: [Int], columnWeights: [Float]  // [outWidth, taps]

    public init(
        batch: Int, channels: Int, inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int,
        scaleHeight: Float, scaleWidth: Float, mode: ResizeMode, transform: CoordinateTransform,
        nearest: NearestRounding, cubicCoefficient: Float, excludeOutside: Bool
    ) {
        precondition(
            batch >= 0 && channels >= 0 && inHeight >= 1 && inWidth >= 1 && outHeight >= 0 && outWidth >= 0,
            "ResizePlan: bad sizes \(inHeight)x\(inWidth) -> \(outHeight)x\(outWidth)")
        precondition(scaleHeight > 0 && scaleWidth > 0, "ResizePlan: scales must be positive")
        self.batch = batch
        self.channels = channels
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.outHeight = outHeight
        self.outWidth = outWidth
        taps = mode == .nearest ? 1 : mode == .linear ? 2 : 4
        let axis = { (inLength: Int, outLength: Int, scale: Float) in
            ResizePlan.axisTable(
                inLength: inLength, outLength: outLength, scale: scale, mode: mode, transform: transform,
                nearest: nearest, a: cubicCoefficient, excludeOutside: excludeOutside)
        }
        (rowIndices, rowWeights) = axis(inHeight, outHeight, scaleHeight)
        (columnIndices, columnWeights) = axis(inWidth, outWidth, scaleWidth)
    }

    /// The input coordinate of output index `x` along an axis (ONNX coordinate_transformation_mode).
    static func sourceCoordinate(_ x: Int, inLength: Int, outLength: Int, scale: Float, transform: CoordinateTransform) -> Float {
        let x = Float(x)
        switch transform {
        case .halfPixel:
            return (x + 0.5) / scale - 0.5
        case .pytorchHalfPixel:
            return outLength > 1 ? (x + 0.5) / scale - 0.5 : 0
        case .alignCorners:
            return outLength == 1 ? 0 : x * Float(inLength - 1) / Float(outLength - 1)
        case .asymmetric:
            return x / scale
        case .halfPixelSymmetric:
            let adjustment = Float(outLength) / (scale * Float(inLength))
            let offset = Float(inLength) / 2 * (1 - adjustment)
            return offset + (x + 0.5) / scale - 0.5
        }
    }

    static func axisTable(
        inLength: Int, outLength: Int, scale: Float, mode: ResizeMode, transform: CoordinateTransform,
        nearest: NearestRounding, a: Float, excludeOutside: Bool
    ) -> ([Int], [Float]) {
        var indices: [Int] = [], weights: [Float] = []
        func clamp(_ i: Int) -> Int { min(max(i, 0), inLength - 1) }
        for x in 0..<outLength {
            let source = sourceCoordinate(x, inLength: inLength, outLength: outLength, scale: scale, transform: transform)
            let base = source.rounded(.down)
            let ratio = source - base
            let first = Int(base)
            switch mode {
            case .nearest:
                let index: Int
                switch nearest {
                case .roundPreferFloor: index = ratio == 0.5 ? first : Int(source.rounded(.toNearestOrAwayFromZero))
                case .roundPreferCeil: index = ratio == 0.5 ? first + 1 : Int(source.rounded(.toNearestOrAwayFromZero))
                case .floor: index = first
                case .ceil: index = Int(source.rounded(.up))
                }
                indices.append(clamp(index))
                weights.append(1)
            case .linear:
                indices += [clamp(first), clamp(first + 1)]
                weights += [1 - ratio, ratio]
            case .cubic:
                // Keys cubic convolution with coefficient a, taps at first-1 ... first+2.
                let t = ratio
                var w: [Float] = [
                    ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a,
                    ((a + 2) * t - (a + 3)) * t * t + 1,
                    ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1,
                    ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a,
                ]
                if excludeOutside {
                    for tap in 0..<4 where first - 1 + tap < 0 || first - 1 + tap >= inLength { w[tap] = 0 }
                    let total = w.reduce(0, +)
                    if total != 0 { w = w.map { $0 / total } }
                }
                indices += (0..<4).map { clamp(first - 1 + $0) }
                weights += w
            }
        }
        return (indices, weights)
    }

    public func run(
        input: UnsafePointer<Float>,  // input [N, C, H, W]
        output: UnsafeMutablePointer<Float>,  // output [N, C, OH, OW]
        parallel: ParallelContext
    ) {
        let planes = batch * channels
        if planes == 0 || outHeight == 0 || outWidth == 0 { return }
        rowIndices.withUnsafeBufferPointer { rowIndices in
            rowWeights.withUnsafeBufferPointer { rowWeights in
                columnIndices.withUnsafeBufferPointer { columnIndices in
                    columnWeights.withUnsafeBufferPointer { columnWeights in
                        let blocks = min(parallel.threads, planes)
                        parallel.forEach(blocks) { block in
                            for plane in (planes * block / blocks)..<(planes * (block + 1) / blocks) {
                                let source = input + plane * inHeight * inWidth
                                let target = output + plane * outHeight * outWidth
                                for y in 0..<outHeight {
                                    let line = target + y * outWidth
                                    if taps == 1 {
                                        let row = source + rowIndices[y] * inWidth
                                        for x in 0..<outWidth { line[x] = row[columnIndices[x]] }
                                        continue
                                    }
                                    for x in 0..<outWidth {
                                        // Interpolate each tap row along x, then those along y (as the spec nests them).
                                        var value: Float = 0
                                        for ty in 0..<taps {
                                            let row = source + rowIndices[y &* taps &+ ty] &* inWidth
                                            var along: Float = 0
                                            for tx in 0..<taps {
                                                along += columnWeights[x &* taps &+ tx] * row[columnIndices[x &* taps &+ tx]]
                                            }
                                            value += rowWeights[y &* taps &+ ty] * along
                                        }
                                        line[x] = value
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
