/// Output size and begin/end padding of one spatial axis of a Conv or pool, from the ONNX
/// attributes `pads`, `auto_pad` (NOTSET, VALID, SAME_UPPER, SAME_LOWER) and `ceil_mode`.
struct SpatialAxis: Equatable {
    var input: Int
    var kernel: Int
    var stride: Int
    var dilation: Int
    var padBegin: Int
    var padEnd: Int
    var output: Int

    /// Resolves one axis. `pads` are this axis' explicit begin/end pads (ignored unless NOTSET).
    static func resolve(input: Int, kernel: Int, stride: Int, dilation: Int, padBegin: Int, padEnd: Int,
                        autoPad: String, ceilMode: Bool) -> SpatialAxis? {
        guard input > 0, kernel > 0, stride > 0, dilation > 0 else { return nil }
        let extent = (kernel - 1) * dilation + 1
        var begin = padBegin, end = padEnd, output: Int
        switch autoPad {
        case "SAME_UPPER", "SAME_LOWER":
            output = (input + stride - 1) / stride
            let total = max(0, (output - 1) * stride + extent - input)
            begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
            end = total - begin
        case "VALID":
            begin = 0; end = 0
            output = input >= extent ? (input - extent) / stride + 1 : 0
        default:
            let span = input + begin + end - extent
            guard span >= 0 else { return nil }
            if ceilMode {
                output = (span + stride - 1) / stride + 1
                // The last window must start inside the input or the begin padding (PyTorch / ORT).
                if (output - 1) * stride >= input + begin { output -= 1 }
            } else {
                output = span / stride + 1
            }
        }
        guard output > 0 else { return nil }
        return SpatialAxis(input: input, kernel: kernel, stride: stride, dilation: dilation,
                           padBegin: begin, padEnd: end, output: output)
    }
}

/// The spatial attributes shared by Conv, ConvTranspose and the pools, read and validated once.
struct SpatialAttributes {
    var kernel: [Int]
    var strides: [Int]
    var dilations: [Int]
    var pads: [Int]          // begins then ends
    var autoPad: String

    init(_ ctx: OpContext, spatialRank: Int, kernel: [Int]?) throws {
        guard let kernel = try kernel ?? ctx.ints("kernel_shape") else {
            throw ctx.error(.invalidModel, "attribute 'kernel_shape' is required")
        }
        guard kernel.count == spatialRank else {
            throw ctx.error(.invalidModel, "kernel_shape \(kernel) does not match \(spatialRank) spatial dims")
        }
        self.kernel = kernel
        strides = try ctx.ints("strides") ?? Array(repeating: 1, count: spatialRank)
        dilations = try ctx.ints("dilations") ?? Array(repeating: 1, count: spatialRank)
        pads = try ctx.ints("pads") ?? Array(repeating: 0, count: spatialRank * 2)
        autoPad = try ctx.string("auto_pad", default: "NOTSET")
        guard strides.count == spatialRank, dilations.count == spatialRank, pads.count == spatialRank * 2 else {
            throw ctx.error(.invalidModel, "strides \(strides), dilations \(dilations) or pads \(pads) do not match \(spatialRank) spatial dims")
        }
        guard ["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"].contains(autoPad) else {
            throw ctx.unsupported("auto_pad '\(autoPad)' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER")
        }
        guard pads.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }) else {
            throw ctx.error(.invalidModel, "pads \(pads), strides \(strides) and dilations \(dilations) must be non-negative / positive")
        }
    }

    /// Resolves the (H, W) axes for a 2-D op over `height` x `width` (1-D ops pass height 1).
    func resolve(_ ctx: OpContext, height: Int, width: Int, ceilMode: Bool) throws -> (SpatialAxis, SpatialAxis) {
        let twoD = kernel.count == 2
        let h = twoD
            ? SpatialAxis.resolve(input: height, kernel: kernel[0], stride: strides[0], dilation: dilations[0],
                                  padBegin: pads[0], padEnd: pads[2], autoPad: autoPad, ceilMode: ceilMode)
            : SpatialAxis(input: 1, kernel: 1, stride: 1, dilation: 1, padBegin: 0, padEnd: 0, output: 1)
        let last = kernel.count - 1
        let w = SpatialAxis.resolve(input: width, kernel: kernel[last], stride: strides[last], dilation: dilations[last],
                                    padBegin: pads[last], padEnd: pads[last + kernel.count], autoPad: autoPad, ceilMode: ceilMode)
        guard let h, let w else {
            throw ctx.error(.shapeMismatch, "kernel \(kernel) with strides \(strides), dilations \(dilations) and pads \(pads) does not fit the input \(height)x\(width)")
        }
        return (h, w)
    }
}
