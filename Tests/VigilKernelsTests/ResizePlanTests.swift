import Foundation
import Testing
@testable import VigilKernels

/// ONNX Resize as the reference implementation does it: 1-D interpolation along W for every input
/// row, then along H; neighbours picked by distance from an edge-padded axis.
func referenceResize(
    _ input: [Float], planes: Int, inH: Int, inW: Int, outH: Int, outW: Int, scaleH: Float, scaleW: Float,
    mode: ResizeMode, transform: CoordinateTransform, nearest: NearestRounding, a: Float, excludeOutside: Bool
) -> [Float] {
    func coefficients(_ ratio: Double) -> [Double] {
        switch mode {
        case .nearest:
            if ratio == 1 { return [0, 1] }
            switch nearest {
            case .roundPreferFloor: return ratio <= 0.5 ? [1, 0] : [0, 1]
            case .roundPreferCeil: return ratio < 0.5 ? [1, 0] : [0, 1]
            case .floor: return [1, 0]
            case .ceil: return [0, 1]
            }
        case .linear: return [1 - ratio, ratio]
        case .cubic:
            let A = Double(a), t = ratio
            return [
                ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A,
                ((A + 2) * t - (A + 3)) * t * t + 1,
                ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1,
                ((A * (2 - t) - 5 * A) * (2 - t) + 8 * A) * (2 - t) - 4 * A,
            ]
        }
    }
    func interpolate(_ data: [Double], at x: Float) -> Double {
        let x = Double(x)
        let ratio = x == x.rounded(.down) ? 1 : x - x.rounded(.down)
        var c = coefficients(ratio)
        let n = c.count, pad = (n + 1) / 2
        let padded = (0..<(data.count + 2 * pad)).map { data[min(max($0 - pad, 0), data.count - 1)] }
        let shifted = x + Double(pad)
        let neighbours = padded.indices.sorted { (Swift.abs(shifted - Double($0)), $0) < (Swift.abs(shifted - Double($1)), $1) }
            .prefix(n).sorted()
        // exclude_outside only affects cubic (as ONNX Runtime; the other modes never weigh outside taps).
        if excludeOutside && mode == .cubic {
            for (k, i) in neighbours.enumerated() where i - pad < 0 || i - pad >= data.count { c[k] = 0 }
            let total = c.reduce(0, +)
            c = c.map { $0 / total }
        }
        return zip(c, neighbours).reduce(0) { $0 + $1.0 * padded[$1.1] }
    }
    var output: [Float] = []
    for plane in 0..<planes {
        let rows = (0..<inH).map { y in (0..<inW).map { Double(input[(plane * inH + y) * inW + $0]) } }
        for y in 0..<outH {
            let sy = ResizePlan.sourceCoordinate(y, inLength: inH, outLength: outH, scale: scaleH, transform: transform)
            for x in 0..<outW {
                let sx = ResizePlan.sourceCoordinate(x, inLength: inW, outLength: outW, scale: scaleW, transform: transform)
                output.append(Float(interpolate(rows.map { interpolate($0, at: sx) }, at: sy)))
            }
        }
    }
    return output
}

@Suite struct ResizePlanTests {
    static let transforms: [CoordinateTransform] = [.halfPixel, .pytorchHalfPixel, .alignCorners, .asymmetric, .halfPixelSymmetric]
    /// (inH, inW, outH, outW): up, down, mixed, to one pixel.
    static let sizes: [(Int, Int, Int, Int)] = [(4, 5, 8, 10), (9, 7, 4, 3), (3, 8, 7, 5), (5, 4, 1, 2)]

    @Test(arguments: [ResizeMode.nearest, .linear, .cubic], transforms)
    func resize_matchesReference(_ mode: ResizeMode, transform: CoordinateTransform) {
        for (inH, inW, outH, outW) in Self.sizes {
            for (rounding, excludeOutside) in [(NearestRounding.roundPreferFloor, false), (.roundPreferCeil, true), (.floor, false), (.ceil, true)] {
                if mode != .nearest && rounding != .roundPreferFloor && rounding != .roundPreferCeil { continue }
                let scaleH = Float(outH) / Float(inH), scaleW = Float(outW) / Float(inW)
                var random = SeededGenerator(seed: 4)
                let planes = 3
                let input = random.floats(planes * inH * inW)
                let plan = ResizePlan(
                    batch: 1, channels: planes, inHeight: inH, inWidth: inW, outHeight: outH, outWidth: outW,
                    scaleHeight: scaleH, scaleWidth: scaleW, mode: mode, transform: transform, nearest: rounding,
                    cubicCoefficient: -0.75, excludeOutside: excludeOutside)
                var output = [Float](repeating: .nan, count: planes * outH * outW)
                output.withUnsafeMutableBufferPointer { plan.run(input: input, output: $0.baseAddress!, parallel: ParallelContext(threads: 2)) }
                let expected = referenceResize(
                    input, planes: planes, inH: inH, inW: inW, outH: outH, outW: outW, scaleH: scaleH, scaleW: scaleW,
                    mode: mode, transform: transform, nearest: rounding, a: -0.75, excludeOutside: excludeOutside)
                expectClose(output, expected, abs: 1e-5, rel: 1e-5,
                            "\(mode) \(transform) \(inH)x\(inW)->\(outH)x\(outW) \(rounding) exclude \(excludeOutside)")
            }
        }
    }

    @Test func resize_nearestUpsampleRepeatsPixels() {
        let plan = ResizePlan(
            batch: 1, channels: 1, inHeight: 2, inWidth: 2, outHeight: 4, outWidth: 4, scaleHeight: 2, scaleWidth: 2,
            mode: .nearest, transform: .asymmetric, nearest: .floor, cubicCoefficient: -0.75, excludeOutside: false)
        var output = [Float](repeating: .nan, count: 16)
        output.withUnsafeMutableBufferPointer { plan.run(input: [1, 2, 3, 4], output: $0.baseAddress!, parallel: .serial) }
        #expect(output == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    }
}
