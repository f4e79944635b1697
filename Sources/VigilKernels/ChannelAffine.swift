/// Per-channel y = x * scale[c] + shift[c] over [N, C, spatial]: inference BatchNormalization once
/// its four parameters are folded into a scale and a shift (also Mul+Add by per-channel constants).
///
/// `output` may be `input`. See https://onnx.ai/onnx/operators/onnx__BatchNormalization.html
public func channelAffine(
    input: UnsafePointer<Float>,  // input [N, C, spatial]
    output: UnsafeMutablePointer<Float>,  // output [N, C, spatial]
    scale: UnsafePointer<Float>,  // scale [C]
    shift: UnsafePointer<Float>,  // shift [C]
    batch: Int, channels: Int, spatial: Int
) {
    precondition(batch >= 0 && channels >= 0 && spatial >= 0, "channelAffine: negative size")
    for plane in 0..<(batch * channels) {
        let channel = plane % channels
        let a = Float8(repeating: scale[channel]), b = Float8(repeating: shift[channel])
        let source = input + plane * spatial, target = output + plane * spatial
        var index = 0
        while index + 8 <= spatial {
            store8(load8(source + index) * a + b, target + index)
            index += 8
        }
        if index < spatial {
            let rest = spatial - index
            storePartial(loadPartial(source + index, rest) * a + b, target + index, rest)
        }
    }
}
