import Testing
@testable import VigilKernels

/// ONNX MaxPool / AveragePool by definition over the taps of each window.
func referencePool(_ g: PoolGeometry, input: [Float], average: Bool, countIncludePad: Bool) -> [Float] {
    var output: [Float] = []
    for plane in 0..<(g.batch * g.channels) {
        for y in 0..<g.outHeight {
            for x in 0..<g.outWidth {
                var best = -Float.infinity, sum: Double = 0, count = 0
                for kh in 0..<g.kernelHeight {
                    let iy = y * g.strideHeight - g.padTop + kh * g.dilationHeight
                    for kw in 0..<g.kernelWidth {
                        let ix = x * g.strideWidth - g.padLeft + kw * g.dilationWidth
                        let inImage = iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth
                        let inPadded = iy >= -g.padTop && iy < g.inHeight + g.padBottom
                            && ix >= -g.padLeft && ix < g.inWidth + g.padRight
                        if inImage {
                            let value = input[(plane * g.inHeight + iy) * g.inWidth + ix]
                            best = max(best, value)
                            sum += Double(value)
                        }
                        if countIncludePad ? inPadded : inImage { count += 1 }
                    }
                }
                output.append(average ? (count > 0 ? Float(sum / Double(count)) : 0) : best)
            }
        }
    }
    return output
}

struct PoolCase: Sendable, CustomStringConvertible {
    var geometry: PoolGeometry
    var description: String {
        let g = geometry
        return "\(g.inHeight)x\(g.inWidth)->\(g.outHeight)x\(g.outWidth) k\(g.kernelHeight)x\(g.kernelWidth) "
            + "s\(g.strideHeight),\(g.strideWidth) d\(g.dilationHeight),\(g.dilationWidth) "
            + "p\(g.padTop),\(g.padLeft),\(g.padBottom),\(g.padRight)"
    }
}

@Suite struct PoolTests {
    /// Output size with floor or ceil mode (ceil windows must start inside input + begin pad, as ONNX).
    static func outSize(_ input: Int, _ k: Int, _ s: Int, _ d: Int, _ begin: Int, _ end: Int, ceil: Bool) -> Int {
        let span = input + begin + end - d * (k - 1) - 1
        var size = (ceil ? (span + s - 1) / s : span / s) + 1
        if ceil && (size - 1) * s >= input + begin { size -= 1 }
        return size
    }

    static let cases: [PoolCase] = {
        var cases: [PoolCase] = []
        let shapes: [(k: Int, s: Int, d: Int, pads: (Int, Int, Int, Int))] = [
            (2, 2, 1, (0, 0, 0, 0)), (3, 2, 1, (0, 0, 0, 0)), (3, 1, 1, (1, 1, 1, 1)), (2, 1, 1, (0, 0, 1, 1)),
            (3, 2, 2, (1, 2, 0, 1)), (5, 3, 1, (2, 2, 2, 2)), (3, 3, 1, (1, 0, 2, 1)),
        ]
        for shape in shapes {
            for (h, w) in [(9, 27), (13, 6), (7, 17)] {
                for ceil in [false, true] {
                    let oh = outSize(h, shape.k, shape.s, shape.d, shape.pads.0, shape.pads.2, ceil: ceil)
                    let ow = outSize(w, shape.k, shape.s, shape.d, shape.pads.1, shape.pads.3, ceil: ceil)
                    cases.append(PoolCase(geometry: PoolGeometry(
                        batch: 2, channels: 3, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow,
                        kernelHeight: shape.k, kernelWidth: shape.k, strideHeight: shape.s, strideWidth: shape.s,
                        dilationHeight: shape.d, dilationWidth: shape.d, padTop: shape.pads.0, padLeft: shape.pads.1,
                        padBottom: shape.pads.2, padRight: shape.pads.3)))
                }
            }
        }
        return cases
    }()

    static func input(_ g: PoolGeometry) -> [Float] {
        var random = SeededGenerator(seed: 3)
        // Negative values only, so a padded zero winning the max would show.
        return random.floats(g.batch * g.channels * g.inHeight * g.inWidth, in: -2 ... -0.1)
    }

    @Test(arguments: cases)
    func maxPool_matchesReference(_ testCase: PoolCase) {
        let g = testCase.geometry
        let input = Self.input(g)
        var output = [Float](repeating: .nan, count: g.batch * g.channels * g.outHeight * g.outWidth)
        let parallel = ParallelContext(threads: 2)
        var scratch = [Float](repeating: .nan, count: maxPool2DScratchCount(g, parallel: parallel))
        output.withUnsafeMutableBufferPointer { out in
            scratch.withUnsafeMutableBufferPointer {
                maxPool2D(input: input, output: out.baseAddress!, geometry: g, scratch: $0.baseAddress!, parallel: parallel)
            }
        }
        expectIdentical(output, referencePool(g, input: input, average: false, countIncludePad: false), "\(testCase)")
    }

    @Test(arguments: cases, [false, true])
    func averagePool_matchesReference(_ testCase: PoolCase, countIncludePad: Bool) {
        let g = testCase.geometry
        let input = Self.input(g)
        var output = [Float](repeating: .nan, count: g.batch * g.channels * g.outHeight * g.outWidth)
        output.withUnsafeMutableBufferPointer {
            averagePool2D(input: input, output: $0.baseAddress!, geometry: g, countIncludePad: countIncludePad, parallel: .serial)
        }
        let expected = referencePool(g, input: input, average: true, countIncludePad: countIncludePad)
        expectClose(output, expected, abs: 1e-6, rel: 1e-6, "\(testCase) countIncludePad \(countIncludePad)")
    }

    @Test(arguments: [1, 7, 8, 49, 50, 169])
    func globalPools_matchReference(_ spatial: Int) {
        var random = SeededGenerator(seed: UInt64(spatial))
        let planes = 5
        let input = random.floats(planes * spatial, in: -3 ... -1)
        var mean = [Float](repeating: .nan, count: planes), maximum = mean
        mean.withUnsafeMutableBufferPointer { globalAveragePool(input: input, output: $0.baseAddress!, planes: planes, spatial: spatial) }
        maximum.withUnsafeMutableBufferPointer { globalMaxPool(input: input, output: $0.baseAddress!, planes: planes, spatial: spatial) }
        let rows = (0..<planes).map { Array(input[($0 * spatial)..<(($0 + 1) * spatial)]) }
        expectClose(mean, rows.map { Float($0.reduce(0.0) { $0 + Double($1) } / Double(spatial)) }, abs: 1e-6, rel: 1e-6, "mean")
        expectIdentical(maximum, rows.map { $0.max()! }, "max")
    }
}
