import Testing
@testable import VigilKernels

/// ONNX ConvTranspose by its definition: each input pixel scatters its kernel into the output.
func referenceConvTranspose(
    _ g: ConvTransposeGeometry, input: [Float], weights: [Float], bias: [Float]?, activation: Activation
) -> [Float] {
    let channels = g.inChannels / g.groups, filters = g.outChannels / g.groups
    var sums = [Double](repeating: 0, count: g.batch * g.outChannels * g.outHeight * g.outWidth)
    for n in 0..<g.batch {
        for c in 0..<g.inChannels {
            let group = c / channels
            for y in 0..<g.inHeight {
                for x in 0..<g.inWidth {
                    let value = Double(input[((n * g.inChannels + c) * g.inHeight + y) * g.inWidth + x])
                    for f in 0..<filters {
                        let m = group * filters + f
                        for kh in 0..<g.kernelHeight {
                            let oy = y * g.strideHeight - g.padTop + kh * g.dilationHeight
                            if oy < 0 || oy >= g.outHeight { continue }
                            for kw in 0..<g.kernelWidth {
                                let ox = x * g.strideWidth - g.padLeft + kw * g.dilationWidth
                                if ox < 0 || ox >= g.outWidth { continue }
                                let weight = Double(weights[((c * filters + f) * g.kernelHeight + kh) * g.kernelWidth + kw])
                                sums[((n * g.outChannels + m) * g.outHeight + oy) * g.outWidth + ox] += value * weight
                            }
                        }
                    }
                }
            }
        }
    }
    let plane = g.outHeight * g.outWidth
    return sums.indices.map { index in
        referenceActivation(activation, Float(sums[index]) + (bias?[(index / plane) % g.outChannels] ?? 0))
    }
}

@Suite struct ConvTranspose2DTests {
    /// (kernel, stride, dilation, pad, output padding, groups, batch)
    static let cases: [(Int, Int, Int, Int, Int, Int, Int)] = [
        (2, 2, 1, 0, 0, 1, 1), (3, 2, 1, 1, 1, 1, 2), (4, 2, 1, 1, 0, 2, 1), (3, 1, 1, 1, 0, 1, 1),
        (3, 3, 2, 2, 2, 2, 2), (5, 2, 1, 2, 1, 4, 1), (1, 1, 1, 0, 0, 1, 1),
    ]

    @Test(arguments: cases.indices)
    func convTranspose_matchesReference(_ index: Int) {
        let (k, stride, dilation, pad, outputPadding, groups, batch) = Self.cases[index]
        let inHeight = 5, inWidth = 7, inChannels = 4, outChannels = 4
        let outHeight = (inHeight - 1) * stride - 2 * pad + dilation * (k - 1) + 1 + outputPadding
        let outWidth = (inWidth - 1) * stride - 2 * pad + dilation * (k - 1) + 1 + outputPadding
        let g = ConvTransposeGeometry(
            batch: batch, inChannels: inChannels, inHeight: inHeight, inWidth: inWidth, outChannels: outChannels,
            outHeight: outHeight, outWidth: outWidth, kernelHeight: k, kernelWidth: k, strideHeight: stride,
            strideWidth: stride, dilationHeight: dilation, dilationWidth: dilation, padTop: pad, padLeft: pad, groups: groups)
        var random = SeededGenerator(seed: UInt64(index))
        let input = random.floats(batch * inChannels * inHeight * inWidth)
        let weights = random.floats(inChannels * outChannels / groups * k * k)
        let bias = index % 2 == 0 ? random.floats(outChannels) : nil
        let activation: Activation = index % 3 == 0 ? .relu : .identity
        let conv = weights.withUnsafeBufferPointer { w in
            bias.map { b in b.withUnsafeBufferPointer { ConvTranspose2D(geometry: g, weights: w, bias: $0, activation: activation) } }
                ?? ConvTranspose2D(geometry: g, weights: w, bias: nil, activation: activation)
        }
        var output = [Float](repeating: .nan, count: batch * outChannels * outHeight * outWidth)
        var scratch = [Float](repeating: .nan, count: conv.scratchCount)
        output.withUnsafeMutableBufferPointer { out in
            scratch.withUnsafeMutableBufferPointer { s in
                conv.run(input: input, output: out.baseAddress!, scratch: s.baseAddress!, parallel: ParallelContext(threads: 2))
            }
        }
        let expected = referenceConvTranspose(g, input: input, weights: weights, bias: bias, activation: activation)
        expectClose(output, expected, abs: 2e-5, rel: 1e-5, "case \(Self.cases[index])")
    }
}
