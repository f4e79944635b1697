/// Max pooling over windows of [N, C, H, W]; padded cells never win (ONNX MaxPool, no indices output).
///
/// A window lying wholly in the padding yields -infinity.
public func maxPool2D(
    input: UnsafePointer<Float>,  // input [N, C, H, W]
    output: UnsafeMutablePointer<Float>,  // output [N, C, OH, OW]
    geometry: PoolGeometry, parallel: ParallelContext
) {
    geometry.validate("maxPool2D")
    pool2D(MaxReduction(), input: input, output: output, geometry: geometry, countIncludePad: false, parallel: parallel)
}

/// Average pooling over windows of [N, C, H, W] (ONNX AveragePool).
///
/// Each window is clipped to [-pad, in + padEnd) on both axes (windows that ceil_mode pushes further
/// are clipped there too). The divisor is the number of taps in the clipped window when
/// `countIncludePad`, otherwise the number of taps on real input cells.
public func averagePool2D(
    input: UnsafePointer<Float>,  // input [N, C, H, W]
    output: UnsafeMutablePointer<Float>,  // output [N, C, OH, OW]
    geometry: PoolGeometry, countIncludePad: Bool, parallel: ParallelContext
) {
    geometry.validate("averagePool2D")
    pool2D(SumReduction(), input: input, output: output, geometry: geometry, countIncludePad: countIncludePad, parallel: parallel)
}

/// How a pooling window combines its cells.
protocol PoolReduction {
    var identity: Float { get }
    var averages: Bool { get }
    func combine(_ a: Float8, _ b: Float8) -> Float8
    func combine(_ a: Float, _ b: Float) -> Float
}

struct MaxReduction: PoolReduction {
    var identity: Float { -.infinity }
    var averages: Bool { false }
    @inline(__always) func combine(_ a: Float8, _ b: Float8) -> Float8 { vmax(a, b) }
    @inline(__always) func combine(_ a: Float, _ b: Float) -> Float { a < b ? b : a }
}

struct SumReduction: PoolReduction {
    var identity: Float { 0 }
    var averages: Bool { true }
    @inline(__always) func combine(_ a: Float8, _ b: Float8) -> Float8 { a + b }
    @inline(__always) func combine(_ a: Float, _ b: Float) -> Float { a + b }
}

/// Number of taps `first + k * step` (k in 0..<taps) that fall in low..<high.
@inline(__always)
private func tapsInside(first: Int, step: Int, taps: Int, low: Int, high: Int) -> Int {
    let begin = max(0, ceilDiv(low - first, step))
    let end = min(taps, floorDiv(high - 1 - first, step) + 1)
    return max(0, end - begin)
}

/// The shared pooling loop: planes split over threads; per output row, columns whose window lies
/// inside the image horizontally run eight at a time, the rest tap by tap with checks.
private func pool2D<R: PoolReduction>(
    _ reduction: R,
    input: UnsafePointer<Float>,  // input [N, C, H, W]
    output: UnsafeMutablePointer<Float>,  // output [N, C, OH, OW]
    geometry g: PoolGeometry, countIncludePad: Bool, parallel: ParallelContext
) {
    let planes = g.batch * g.channels
    if planes == 0 || g.outHeight == 0 || g.outWidth == 0 { return }
    let inPixels = g.inHeight * g.inWidth, width = g.outWidth
    let interiorLow = min(width, ceilDiv(g.padLeft, g.strideWidth))
    let interiorHigh = max(
        interiorLow,
        min(width, floorDiv(g.inWidth - 1 + g.padLeft - (g.kernelWidth - 1) * g.dilationWidth, g.strideWidth) + 1))
    let vectorised = interiorHigh - interiorLow >= 8
    // Divisor bounds: the padded extent when pads count, the image otherwise.
    let rowLow = countIncludePad ? -g.padTop : 0, rowHigh = countIncludePad ? g.inHeight + g.padBottom : g.inHeight
    let columnLow = countIncludePad ? -g.padLeft : 0
    let columnHigh = countIncludePad ? g.inWidth + g.padRight : g.inWidth
    let blocks = min(parallel.threads, planes)
    parallel.forEach(blocks) { block in
        for plane in (planes * block / blocks)..<(planes * (block + 1) / blocks) {
            let source = input + plane &* inPixels
            for row in 0..<g.outHeight {
                let top = row &* g.strideHeight &- g.padTop
                let firstTap = max(0, ceilDiv(-top, g.dilationHeight))
                let endTap = max(firstTap, min(g.kernelHeight, floorDiv(g.inHeight - 1 - top, g.dilationHeight) + 1))
                let rowTaps = tapsInside(first: top, step: g.dilationHeight, taps: g.kernelHeight, low: rowLow, high: rowHigh)
                let line = output + (plane &* g.outHeight &+ row) &* width
                if vectorised {
                    let divisor = Float8(repeating: Float(rowTaps &* g.kernelWidth))
                    var column = interiorLow
                    while true {
                        var value = Float8(repeating: reduction.identity)
                        let left = source + (column &* g.strideWidth &- g.padLeft)
                        for kh in firstTap..<endTap {
                            let start = left + (top &+ kh &* g.dilationHeight) &* g.inWidth
                            for kw in 0..<g.kernelWidth {
                                value = reduction.combine(
                                    value, loadStrided8(start + kw &* g.dilationWidth, stride: g.strideWidth))
                            }
                        }
                        store8(reduction.averages ? value / divisor : value, line + column)
                        if column == interiorHigh - 8 { break }
                        column = min(column + 8, interiorHigh - 8)
                    }
                }
                for column in 0..<width where !vectorised || column < interiorLow || column >= interiorHigh {
                    let left = column &* g.strideWidth &- g.padLeft
                    var value = reduction.identity
                    for kh in firstTap..<endTap {
                        let start = source + (top &+ kh &* g.dilationHeight) &* g.inWidth
                        for kw in 0..<g.kernelWidth {
                            let inputColumn = left &+ kw &* g.dilationWidth
                            if inputColumn >= 0 && inputColumn < g.inWidth {
                                value = reduction.combine(value, start[inputColumn])
                            }
                        }
                    }
                    if reduction.averages {
                        let columnTaps = tapsInside(
                            first: left, step: g.dilationWidth, taps: g.kernelWidth, low: columnLow, high: columnHigh)
                        let divisor = rowTaps &* columnTaps
                        value = divisor > 0 ? value / Float(divisor) : 0
                    }
                    line[column] = value
                }
            }
        }
    }
}
