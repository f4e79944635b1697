/// Max pooling over windows of [N, C, H, W]; padded cells never win (ONNX MaxPool, no indices output).
///
/// A window lying wholly in the padding yields -infinity. `scratch` holds
/// `maxPool2DScratchCount(geometry, parallel:)` floats.
///
/// Row by row: the window's input rows are first reduced column-wise into one row (unit-stride
/// vectors, every input cell read once per output row), then each output takes the max of its
/// window's columns in that row. Gathering strided columns per tap instead costs several times more.
/// The reduced row sits between -infinity margins as wide as the padding and whatever ceil_mode
/// reaches past it, so every window reads it without bounds checks; rows and outputs that do not
/// fill whole vectors end with one vector overlapping the previous one.
public func maxPool2D(
    input: UnsafePointer<Float>,  // input [N, C, H, W]
    output: UnsafeMutablePointer<Float>,  // output [N, C, OH, OW]
    geometry g: PoolGeometry, scratch: UnsafeMutablePointer<Float>, parallel: ParallelContext
) {
    g.validate("maxPool2D")
    let planes = g.batch * g.channels
    if planes == 0 || g.outHeight == 0 || g.outWidth == 0 { return }
    let width = g.inWidth, inPixels = g.inHeight * g.inWidth
    let reduction = MaxReduction()
    let rowStride = maxPoolRowStride(g)
    let blocks = min(parallel.threads, planes)
    parallel.forEach(blocks) { block in
        // reduced[x] for input column x - padLeft; the margins stay -infinity.
        let reduced = scratch + block &* rowStride
        reduced.update(repeating: reduction.identity, count: rowStride)
        let rowMax = reduced + g.padLeft
        for plane in (planes * block / blocks)..<(planes * (block + 1) / blocks) {
            let source = input + plane &* inPixels
            for row in 0..<g.outHeight {
                let (top, firstTap, endTap) = g.rowTaps(row)
                let line = output + (plane &* g.outHeight &+ row) &* g.outWidth
                guard firstTap < endTap else {
                    line.update(repeating: reduction.identity, count: g.outWidth)
                    continue
                }
                // The window's rows, reduced column by column.
                let first = source + (top &+ firstTap &* g.dilationHeight) &* width
                let rowStep = g.dilationHeight &* width, taps = endTap &- firstTap
                if width >= 8 {
                    var column = 0
                    while true {
                        var value = load8(first + column)
                        if taps == 3 {
                            // The common 3-row window, unrolled.
                            value = reduction.combine(value, load8(first + (rowStep &+ column)))
                            value = reduction.combine(value, load8(first + (2 &* rowStep &+ column)))
                        } else {
                            var tap = 1
                            while tap < taps {
                                value = reduction.combine(value, load8(first + (tap &* rowStep &+ column)))
                                tap &+= 1
                            }
                        }
                        store8(value, rowMax + column)
                        if column == width &- 8 { break }
                        column = min(column &+ 8, width &- 8)
                    }
                } else {
                    for column in 0..<width {
                        var value = first[column]
                        for tap in 1..<taps { value = reduction.combine(value, first[tap &* rowStep &+ column]) }
                        rowMax[column] = value
                    }
                }
                // Each output's window across the reduced row, margins included.
                if g.outWidth >= 8 {
                    let threeByTwo = g.kernelWidth == 3 && g.strideWidth == 2 && g.dilationWidth == 1
                    var outColumn = 0
                    while true {
                        let left = reduced + outColumn &* g.strideWidth
                        var value: Float8
                        if threeByTwo {
                            // 3 wide, stride 2: taps 0 and 1 are the even and odd lanes of the same
                            // sixteen columns; tap 2 is the even lanes two further on.
                            let low = load8(left), high = load8(left + 8)
                            value = reduction.combine(
                                Float8(lowHalf: low.evenHalf, highHalf: high.evenHalf),
                                Float8(lowHalf: low.oddHalf, highHalf: high.oddHalf))
                            value = reduction.combine(value, loadStrided8(left + 2, stride: 2))
                        } else {
                            value = loadStrided8(left, stride: g.strideWidth)
                            var kw = 1
                            while kw < g.kernelWidth {
                                value = reduction.combine(value, loadStrided8(left + kw &* g.dilationWidth, stride: g.strideWidth))
                                kw &+= 1
                            }
                        }
                        store8(value, line + outColumn)
                        if outColumn == g.outWidth &- 8 { break }
                        outColumn = min(outColumn &+ 8, g.outWidth &- 8)
                    }
                } else {
                    for outColumn in 0..<g.outWidth {
                        let left = reduced + outColumn &* g.strideWidth
                        var value = left[0]
                        for kw in 1..<g.kernelWidth { value = reduction.combine(value, left[kw &* g.dilationWidth]) }
                        line[outColumn] = value
                    }
                }
            }
        }
    }
}

/// Floats of one worker's reduced row in `maxPool2D`: the left padding, the input row and the rest
/// of the last window (right padding or ceil_mode), rounded up to whole vectors. (`loadStrided8`
/// reads no further than its last lane.)
func maxPoolRowStride(_ g: PoolGeometry) -> Int {
    let reach = (g.outWidth - 1) * g.strideWidth + (g.kernelWidth - 1) * g.dilationWidth + 1
    return (max(reach, g.padLeft + g.inWidth) + 7) / 8 * 8
}

/// Floats of scratch `maxPool2D` needs: one reduced row per worker.
public func maxPool2DScratchCount(_ geometry: PoolGeometry, parallel: ParallelContext) -> Int {
    max(1, min(parallel.threads, max(1, geometry.batch * geometry.channels))) * maxPoolRowStride(geometry)
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
    let interiorLow = g.interiorColumns.lowerBound, interiorHigh = g.interiorColumns.upperBound
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
                let (top, firstTap, endTap) = g.rowTaps(row)
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
