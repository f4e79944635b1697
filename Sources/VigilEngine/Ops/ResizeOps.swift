import VigilKernels

/// Resize (opsets 10–19) and Upsample (7–9) over the H and W axes of NCHW float32.
/// https://onnx.ai/onnx/operators/onnx__Resize.html
enum ResizeOps {
    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        table["Resize"] = resize
        table["Upsample"] = upsample
    }

    static func resize(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        guard x.shape.count == 4 else { throw ctx.unsupported("only 4-D (NCHW) inputs are supported, got \(x.shape)") }
        var scales: [Float]? = nil
        var sizes: [Int]? = nil
        if ctx.opset < 11 {
            scales = try ctx.constant(1, "scales").floats
        } else {
            if ctx.has(2) { let s = try ctx.constant(2, "scales").floats; if !s.isEmpty { scales = s } }
            if ctx.has(3) { let s = try ctx.constant(3, "sizes").ints.map { Int($0) }; if !s.isEmpty { sizes = s } }
        }
        if let axes = try ctx.ints("axes") {
            let normalised = try axes.map { try ctx.axis($0, rank: 4, "axes entry") }
            func expand<T>(_ values: [T], identity: (Int) -> T) -> [T] {
                (0..<4).map { axis in normalised.firstIndex(of: axis).map { values[$0] } ?? identity(axis) }
            }
            scales = scales.map { expand($0) { _ in 1 } }
            sizes = sizes.map { expand($0) { x.shape[$0] } }
        }
        if try ctx.int("antialias", default: 0) != 0 { throw ctx.unsupported("antialias=1 is not supported") }
        let policy = try ctx.string("keep_aspect_ratio_policy", default: "stretch")
        guard policy == "stretch" else { throw ctx.unsupported("keep_aspect_ratio_policy '\(policy)'") }
        let transformName = try ctx.string("coordinate_transformation_mode", default: ctx.opset < 11 ? "asymmetric" : "half_pixel")
        return try make(ctx, x: x, scales: scales, sizes: sizes, modeName: try ctx.string("mode", default: "nearest"),
                        transformName: transformName)
    }

    static func upsample(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        guard x.shape.count == 4 else { throw ctx.unsupported("only 4-D (NCHW) inputs are supported, got \(x.shape)") }
        let scales = ctx.opset < 9 ? (try ctx.floats("scales") ?? []) : try ctx.constant(1, "scales").floats
        var mode = try ctx.string("mode", default: "nearest")
        if mode == "bilinear" { mode = "linear" }
        return try make(ctx, x: x, scales: scales, sizes: nil, modeName: mode, transformName: "asymmetric")
    }

    static func make(_ ctx: OpContext, x: ValueSpec, scales: [Float]?, sizes: [Int]?, modeName: String,
                     transformName: String) throws -> PreparedOp {
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        let outH: Int, outW: Int, scaleH: Float, scaleW: Float
        if let sizes {
            guard sizes.count == 4, sizes[0] == n, sizes[1] == c else {
                throw ctx.unsupported("sizes \(sizes) must keep N and C of \(x.shape)")
            }
            outH = sizes[2]; outW = sizes[3]
            scaleH = Float(outH) / Float(h); scaleW = Float(outW) / Float(w)
        } else if let scales {
            guard scales.count == 4, scales[0] == 1, scales[1] == 1 else {
                throw ctx.unsupported("scales \(scales) must be 1 on N and C")
            }
            scaleH = scales[2]; scaleW = scales[3]
            outH = Int((Float(h) * scaleH).rounded(.down)); outW = Int((Float(w) * scaleW).rounded(.down))
        } else {
            throw ctx.error(.invalidModel, "either scales or sizes is required")
        }
        guard outH > 0, outW > 0 else { throw ctx.error(.shapeMismatch, "output size \(outH)x\(outW) is empty") }
        let mode: ResizeMode
        switch modeName {
        case "nearest": mode = .nearest
        case "linear": mode = .linear
        case "cubic": mode = .cubic
        default: throw ctx.unsupported("mode '\(modeName)'")
        }
        let transform: CoordinateTransform
        switch transformName {
        case "half_pixel": transform = .halfPixel
        case "pytorch_half_pixel": transform = .pytorchHalfPixel
        case "align_corners": transform = .alignCorners
        case "asymmetric": transform = .asymmetric
        case "half_pixel_symmetric": transform = .halfPixelSymmetric
        default: throw ctx.unsupported("coordinate_transformation_mode '\(transformName)'")
        }
        let nearest: NearestRounding
        switch try ctx.string("nearest_mode", default: "round_prefer_floor") {
        case "round_prefer_floor": nearest = .roundPreferFloor
        case "round_prefer_ceil": nearest = .roundPreferCeil
        case "floor": nearest = .floor
        case "ceil": nearest = .ceil
        case let other: throw ctx.unsupported("nearest_mode '\(other)'")
        }
        let plan = ResizePlan(batch: n, channels: c, inHeight: h, inWidth: w, outHeight: outH, outWidth: outW,
                              scaleHeight: scaleH, scaleWidth: scaleW, mode: mode, transform: transform, nearest: nearest,
                              cubicCoefficient: try ctx.float("cubic_coeff_a", default: -0.75),
                              excludeOutside: try ctx.int("exclude_outside", default: 0) != 0)
        let parallel = ctx.parallel
        return .floatKernel(shape: [n, c, outH, outW]) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            return { plan.run(input: input, output: output, parallel: parallel) }
        }
    }
}
