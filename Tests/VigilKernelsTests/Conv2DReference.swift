import Testing
@testable import VigilKernels

/// One Conv2D sweep case.
struct ConvCase: Sendable, CustomStringConvertible {
    var geometry: ConvGeometry
    var bias = true
    var residual = false
    var activation = Activation.identity

    var description: String {
        let g = geometry
        return "N\(g.batch) C\(g.inChannels) \(g.inHeight)x\(g.inWidth) M\(g.outChannels) k\(g.kernelHeight)x\(g.kernelWidth) "
            + "s\(g.strideHeight),\(g.strideWidth) d\(g.dilationHeight),\(g.dilationWidth) "
            + "p\(g.padTop),\(g.padLeft),\(g.padBottom),\(g.padRight) g\(g.groups) "
            + "\(bias ? "bias " : "")\(residual ? "residual " : "")\(activation)"
    }
}

/// Shorthand for sweep geometries: square stride and dilation, pads (top, left, bottom, right).
func convGeometry(
    n: Int = 1, c: Int, h: Int, w: Int, m: Int, kh: Int, kw: Int, stride: Int = 1, dilation: Int = 1,
    pads: (Int, Int, Int, Int) = (0, 0, 0, 0), groups: Int = 1
) -> ConvGeometry {
    ConvGeometry(
        batch: n, inChannels: c, inHeight: h, inWidth: w, outChannels: m, kernelHeight: kh, kernelWidth: kw,
        strideHeight: stride, strideWidth: stride, dilationHeight: dilation, dilationWidth: dilation,
        padTop: pads.0, padLeft: pads.1, padBottom: pads.2, padRight: pads.3, groups: groups)
}

/// ONNX Conv by its definition: every output sums kernel taps over in-image cells, in Double; then
/// bias, residual and activation in that order.
func referenceConv(
    _ g: ConvGeometry, input: [Float], weights: [Float], bias: [Float]?, residual: [Float]?, activation: Activation
) -> [Float] {
    let channels = g.inChannels / g.groups, filters = g.outChannels / g.groups
    let oh = g.outHeight, ow = g.outWidth
    var output = [Float](repeating: 0, count: g.batch * g.outChannels * oh * ow)
    for n in 0..<g.batch {
        for m in 0..<g.outChannels {
            let group = m / filters
            for y in 0..<oh {
                for x in 0..<ow {
                    var sum: Double = 0
                    for c in 0..<channels {
                        for kh in 0..<g.kernelHeight {
                            let iy = y * g.strideHeight - g.padTop + kh * g.dilationHeight
                            if iy < 0 || iy >= g.inHeight { continue }
                            for kw in 0..<g.kernelWidth {
                                let ix = x * g.strideWidth - g.padLeft + kw * g.dilationWidth
                                if ix < 0 || ix >= g.inWidth { continue }
                                let value = input[((n * g.inChannels + group * channels + c) * g.inHeight + iy) * g.inWidth + ix]
                                let weight = weights[((m * channels + c) * g.kernelHeight + kh) * g.kernelWidth + kw]
                                sum += Double(value) * Double(weight)
                            }
                        }
                    }
                    let index = ((n * g.outChannels + m) * oh + y) * ow + x
                    var value = Float(sum) + (bias?[m] ?? 0)
                    if let residual { value += residual[index] }
                    output[index] = referenceActivation(activation, value)
                }
            }
        }
    }
    return output
}

/// Runs `Conv2D` on seeded data; returns its output and the reference's.
func runConvCase(_ testCase: ConvCase, threads: Int = 1, seed: UInt64 = 1) -> (actual: [Float], expected: [Float]) {
    let g = testCase.geometry
    var random = SeededGenerator(seed: seed)
    let input = random.floats(g.batch * g.inChannels * g.inHeight * g.inWidth)
    let weights = random.floats(g.outChannels * g.inChannels / g.groups * g.kernelHeight * g.kernelWidth)
    let bias = testCase.bias ? random.floats(g.outChannels) : nil
    let outputCount = g.batch * g.outChannels * g.outHeight * g.outWidth
    let residual = testCase.residual ? random.floats(outputCount) : nil
    let conv = weights.withUnsafeBufferPointer { w in
        if let bias {
            return bias.withUnsafeBufferPointer { b in
                Conv2D(geometry: g, weights: w, bias: b, activation: testCase.activation)
            }
        }
        return Conv2D(geometry: g, weights: w, bias: nil, activation: testCase.activation)
    }
    // Sentinel-filled so unwritten outputs show up.
    var output = [Float](repeating: .nan, count: outputCount)
    var scratch = [Float](repeating: .nan, count: max(1, conv.scratchCount))
    let residualBuffer = residual.map { values in
        let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: values.count)
        _ = copy.initialize(from: values)
        return copy
    }
    defer { residualBuffer?.deallocate() }
    output.withUnsafeMutableBufferPointer { out in
        scratch.withUnsafeMutableBufferPointer { scratch in
            conv.run(
                input: input, output: out.baseAddress!, residual: residualBuffer.map { UnsafePointer($0.baseAddress!) },
                scratch: conv.scratchCount > 0 ? scratch.baseAddress! : nil, parallel: ParallelContext(threads: threads))
        }
    }
    let expected = referenceConv(g, input: input, weights: weights, bias: bias, residual: residual, activation: testCase.activation)
    return (output, expected)
}

/// Σ|input · weight| over each output's taps, on the same seeded data as `runConvCase`: the scale a
/// rounding error of the convolution's sum is proportional to.
func convTermScale(_ testCase: ConvCase, seed: UInt64 = 1) -> [Float] {
    let g = testCase.geometry
    var random = SeededGenerator(seed: seed)
    let input = random.floats(g.batch * g.inChannels * g.inHeight * g.inWidth).map(abs)
    let weights = random.floats(g.outChannels * g.inChannels / g.groups * g.kernelHeight * g.kernelWidth).map(abs)
    return referenceConv(g, input: input, weights: weights, bias: nil, residual: nil, activation: .identity)
}

/// Checks a Winograd result: |actual - expected| ≤ 1e-5 + 1e-5·|expected| + 4e-6·Σ|x·w|. Its
/// transforms (coefficients up to 8 and down to 1/24) round in proportion to the terms summed, not
/// to the result, which may cancel to near zero.
func expectWinogradClose(
    _ actual: [Float], _ expected: [Float], termScale: [Float], _ context: @autoclosure () -> String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectClose(actual, expected, abs: 1e-5, rel: 1e-5, extra: termScale.map { 4e-6 * $0 }, context(), sourceLocation: sourceLocation)
}
