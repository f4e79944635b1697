import VigilKernels

extension DetectionOps {
    /// RoiAlign (opset 10 and 16): bilinearly sampled, average- or max-pooled crops of X.
    ///
    /// X float32 [N, C, H, W], rois float32 [R, 4] as (x1, y1, x2, y2) in input coordinates
    /// (times spatial_scale), batch_indices int64 [R] -> [R, C, output_height, output_width].
    /// coordinate_transformation_mode (opset 16, default "half_pixel") shifts rois by -0.5 pixel;
    /// opset 10 behaves as "output_half_pixel": no shift, and rois narrower than a pixel widen
    /// to 1. sampling_ratio 0 takes ceil(roi size / output size) samples per bin. "max" takes the
    /// largest weighted corner of any sample, as the ONNX reference and ONNX Runtime define it.
    /// Samples beyond one pixel outside X read 0. A run-time batch index outside [0, N) gives
    /// zeros (constant ones are checked at load).
    /// https://onnx.ai/onnx/operators/onnx__RoiAlign.html
    static func roiAlign(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0), rois = try ctx.floatInput(1), batchIndices = try ctx.input(2)
        guard batchIndices.dtype == .int64 else {
            throw ctx.error(.unsupportedType, "RoiAlign batch_indices are \(batchIndices.dtype); int64 is required")
        }
        guard x.shape.count == 4, rois.shape.count == 2, rois.shape[1] == 4, batchIndices.shape == [rois.shape[0]] else {
            throw ctx.error(.shapeMismatch, "RoiAlign needs X [N, C, H, W], rois [R, 4] and batch_indices [R], "
                                + "got \(x.shape), \(rois.shape) and \(batchIndices.shape)")
        }
        let modeName = try ctx.string("mode", default: "avg")
        guard modeName == "avg" || modeName == "max" else { throw ctx.unsupported("RoiAlign mode '\(modeName)' (avg or max)") }
        let transform = ctx.opset >= 16 ? try ctx.string("coordinate_transformation_mode", default: "half_pixel") : "output_half_pixel"
        guard transform == "half_pixel" || transform == "output_half_pixel" else {
            throw ctx.unsupported("RoiAlign coordinate_transformation_mode '\(transform)' (half_pixel or output_half_pixel)")
        }
        let geometry = RoiAlignGeometry(
            batch: x.shape[0], channels: x.shape[1], height: x.shape[2], width: x.shape[3], rois: rois.shape[0],
            outHeight: try ctx.int("output_height", default: 1), outWidth: try ctx.int("output_width", default: 1),
            samplingRatio: try ctx.int("sampling_ratio", default: 0), spatialScale: try ctx.float("spatial_scale", default: 1),
            halfPixel: transform == "half_pixel", max: modeName == "max")
        guard geometry.outHeight >= 1, geometry.outWidth >= 1, geometry.samplingRatio >= 0 else {
            throw ctx.error(.invalidModel, "RoiAlign output_height \(geometry.outHeight) and output_width \(geometry.outWidth) "
                                + "must be >= 1, sampling_ratio \(geometry.samplingRatio) >= 0")
        }
        if let constant = batchIndices.constant, let bad = constant.ints.first(where: { $0 < 0 || $0 >= Int64(geometry.batch) }) {
            throw ctx.error(.shapeMismatch, "RoiAlign batch index \(bad) is outside the \(geometry.batch) images of X")
        }
        let outShape = [geometry.rois, geometry.channels, geometry.outHeight, geometry.outWidth]
        let parallel = ctx.parallel
        return .floatKernel(shape: outShape) { buffers in
            let input = buffers.input(0, as: Float.self)                 // X [N, C, H, W]
            let boxes = buffers.input(1, as: Float.self)                 // rois [R, 4]
            let indices = buffers.input(2, as: Int64.self)               // batch_indices [R]
            let output = buffers.output(0, as: Float.self)               // [R, C, outH, outW]
            return { geometry.run(input: input, rois: boxes, batchIndices: indices, output: output, parallel: parallel) }
        }
    }
}

/// The dimensions and attributes of one RoiAlign node; `run` is the kernel.
struct RoiAlignGeometry {
    let batch: Int, channels: Int, height: Int, width: Int, rois: Int
    let outHeight: Int, outWidth: Int, samplingRatio: Int
    let spatialScale: Float
    let halfPixel: Bool, max: Bool

    /// One bilinear sample: four flat positions in an H·W plane and their weights (all 0 outside).
    struct Sample {
        var positions: (Int, Int, Int, Int) = (0, 0, 0, 0)
        var weights: (Float, Float, Float, Float) = (0, 0, 0, 0)
    }

    /// Bilinear weights at (y, x), clamped to the plane; 0 beyond one pixel outside it.
    func sample(y yIn: Float, x xIn: Float) -> Sample {
        guard yIn >= -1, yIn <= Float(height), xIn >= -1, xIn <= Float(width) else { return Sample() }   // also NaN
        var y = Swift.max(yIn, 0), x = Swift.max(xIn, 0)
        var yLow = Int(y), xLow = Int(x), yHigh: Int, xHigh: Int
        if yLow >= height - 1 { yLow = height - 1; yHigh = yLow; y = Float(yLow) } else { yHigh = yLow + 1 }
        if xLow >= width - 1 { xLow = width - 1; xHigh = xLow; x = Float(xLow) } else { xHigh = xLow + 1 }
        let ly = y - Float(yLow), lx = x - Float(xLow), hy = 1 - ly, hx = 1 - lx
        return Sample(positions: (yLow * width + xLow, yLow * width + xHigh, yHigh * width + xLow, yHigh * width + xHigh),
                      weights: (hy * hx, hy * lx, ly * hx, ly * lx))
    }

    /// ceil(bin size) samples per bin; empty, non-finite or absurd sizes (corrupt rois) sample nothing.
    static func adaptiveGrid(_ binSize: Float) -> Int {
        binSize > 0 && binSize < 1_048_576 ? Int(binSize.rounded(.up)) : 0   // false for NaN
    }

    /// input [N, C, H, W], rois [R, 4], batchIndices [R] -> output [R, C, outH, outW]; rois run in parallel.
    func run(input: UnsafePointer<Float>, rois roiData: UnsafePointer<Float>, batchIndices: UnsafePointer<Int64>,
             output: UnsafeMutablePointer<Float>, parallel: ParallelContext) {
        parallel.forEach(rois) { r in
            run(roi: r, input: input, rois: roiData, batchIndices: batchIndices, output: output)
        }
    }

    /// One roi: writes output [r, C, outH, outW].
    func run(roi r: Int, input: UnsafePointer<Float>, rois roiData: UnsafePointer<Float>, batchIndices: UnsafePointer<Int64>,
             output: UnsafeMutablePointer<Float>) {
        let plane = height * width, outPlane = outHeight * outWidth
        output.advanced(by: r * channels * outPlane).update(repeating: 0, count: channels * outPlane)
        let n = Int(batchIndices[r])
        guard plane > 0, n >= 0, n < batch else { return }
        let offset: Float = halfPixel ? 0.5 : 0
        let startW = roiData[r * 4] * spatialScale - offset, startH = roiData[r * 4 + 1] * spatialScale - offset
        let endW = roiData[r * 4 + 2] * spatialScale - offset, endH = roiData[r * 4 + 3] * spatialScale - offset
        var roiWidth = endW - startW, roiHeight = endH - startH
        if !halfPixel { roiWidth = Swift.max(roiWidth, 1); roiHeight = Swift.max(roiHeight, 1) }
        let binH = roiHeight / Float(outHeight), binW = roiWidth / Float(outWidth)
        let gridH = samplingRatio > 0 ? samplingRatio : Self.adaptiveGrid(roiHeight / Float(outHeight))
        let gridW = samplingRatio > 0 ? samplingRatio : Self.adaptiveGrid(roiWidth / Float(outWidth))
        let count = Float(Swift.max(gridH * gridW, 1))
        let source = input + n * channels * plane, destination = output + r * channels * outPlane
        for ph in 0..<outHeight {
            for pw in 0..<outWidth {
                var first = true
                for iy in 0..<Swift.max(gridH, 0) {
                    let y = startH + Float(ph) * binH + (Float(iy) + 0.5) * binH / Float(gridH)
                    for ix in 0..<Swift.max(gridW, 0) {
                        let x = startW + Float(pw) * binW + (Float(ix) + 0.5) * binW / Float(gridW)
                        let s = sample(y: y, x: x)
                        for c in 0..<channels {
                            let p = source + c * plane, out = destination + c * outPlane + ph * outWidth + pw
                            if max {
                                let v = Swift.max(Swift.max(Swift.max(s.weights.0 * p[s.positions.0], s.weights.1 * p[s.positions.1]),
                                                            s.weights.2 * p[s.positions.2]), s.weights.3 * p[s.positions.3])
                                out.pointee = first ? v : Swift.max(out.pointee, v)
                            } else {
                                out.pointee += s.weights.0 * p[s.positions.0] + s.weights.1 * p[s.positions.1]
                                    + s.weights.2 * p[s.positions.2] + s.weights.3 * p[s.positions.3]
                            }
                        }
                        first = false
                    }
                }
                if !max { for c in 0..<channels { destination[c * outPlane + ph * outWidth + pw] /= count } }
            }
        }
    }
}
