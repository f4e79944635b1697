/// The direct depthwise path: every output plane reads one input plane (groups == C, multiplier M/C).
///
/// Depthwise layers do only kH*kW multiply-adds per loaded pixel, so they are memory-bound and im2col
/// would only add traffic. Each input row is copied once into a zero-padded row (a small ring in the
/// worker's scratch holds the rows one output row needs; rows above or below the image read a shared
/// zero row),
/// so every output row is computed without bounds checks: eight pixels at a time summed in registers
/// over all taps, then bias, residual and activation before the single store. The last chunk of a
/// row overlaps the previous one instead of taking a scalar tail. 3x3 and 5x5 kernels at stride 1 or 2
/// get unrolled code.
extension Conv2D {
    func runDepthwise(
        input: UnsafePointer<Float>,  // input [N, C, H, W]
        output: UnsafeMutablePointer<Float>,  // output [N, M, OH, OW]
        residual: UnsafePointer<Float>?,  // residual [N, M, OH, OW] or nil
        scratch: UnsafeMutablePointer<Float>,  // scratch [depthwiseWorkers, depthwiseWorkerScratch]
        parallel: ParallelContext
    ) {
        let planes = geometry.batch * geometry.outChannels
        let blocks = min(parallel.threads, planes, Conv2D.depthwiseWorkers)
        let slice = depthwiseWorkerScratch
        parallel.forEach(blocks) { block in
            activation.accept(DepthwisePlanes(
                geometry: geometry, input: input, output: output, residual: residual,
                weights: UnsafePointer(weights.baseAddress!), bias: bias.map { UnsafePointer($0.baseAddress!) },
                zeroRow: UnsafePointer(zeroRow.baseAddress!), scratch: scratch + block * slice,
                planes: (planes * block / blocks)..<(planes * (block + 1) / blocks)))
        }
    }
}

/// Computes a range of depthwise output planes (plane index = image * M + output channel).
private struct DepthwisePlanes: ActivationVisitor {
    let geometry: ConvGeometry
    let input: UnsafePointer<Float>  // input [N, C, H, W]
    let output: UnsafeMutablePointer<Float>  // output [N, M, OH, OW]
    let residual: UnsafePointer<Float>?  // residual [N, M, OH, OW] or nil
    let weights: UnsafePointer<Float>  // weights [M, 1, kH, kW]
    let bias: UnsafePointer<Float>?  // bias [M] or nil
    let zeroRow: UnsafePointer<Float>  // zeroRow [paddedWidth]
    let scratch: UnsafeMutablePointer<Float>  // scratch [8 + kH * kW * 8 + ringSize * paddedWidth]: this worker's
    let planes: Range<Int>

    func visit<F: VectorFunction>(_ function: F) {
        let g = geometry
        let square = g.kernelHeight == g.kernelWidth && g.dilationHeight == 1 && g.dilationWidth == 1
        switch (square ? g.kernelWidth : 0, g.strideWidth) {
        case (3, 1): run(function, Kernel3Stride1())
        case (3, 2): run(function, Kernel3Stride2())
        case (5, 1): run(function, Kernel5Stride1())
        case (5, 2): run(function, Kernel5Stride2())
        default:
            run(function, AnyKernel(
                kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth, stride: g.strideWidth, dilation: g.dilationWidth))
        }
    }

    /// Lays out this worker's buffers: broadcast weights and the ring of padded rows in the scratch,
    /// the small row bookkeeping on the stack.
    private func run<F: VectorFunction, K: DepthwiseKernel>(_ function: F, _ shape: K) {
        let ringSize = (shape.kernelHeight - 1) * geometry.dilationHeight + 1
        let taps = shape.kernelHeight * shape.kernelWidth
        withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: shape.kernelHeight) { rows in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: ringSize) { ringRows in
                // Aligned so the weights can be memory operands of the multiplies.
                let raw = UnsafeMutableRawPointer(scratch).alignedUp(toMultipleOf: MemoryLayout<Float8>.alignment)
                compute(
                    function, shape, kernel: raw.bindMemory(to: Float8.self, capacity: taps), rows: rows.baseAddress!, ringRows: ringRows.baseAddress!,
                    ring: scratch + 8 + taps * 8, ringSize: ringSize)
            }
        }
    }

    /// The computation, specialised per activation and kernel shape so the tap loops unroll.
    private func compute<F: VectorFunction, K: DepthwiseKernel>(
        _ function: F, _ shape: K,
        kernel: UnsafeMutablePointer<Float8>,  // kernel [kH * kW] broadcast weights of one filter
        rows: UnsafeMutablePointer<UnsafePointer<Float>>,  // rows [kH] padded input rows of one output row
        ringRows: UnsafeMutablePointer<Int>,  // ringRows [ringSize] input row held by each slot, or -1
        ring: UnsafeMutablePointer<Float>,  // ring [ringSize, paddedWidth]
        ringSize: Int
    ) {
        let g = geometry
        let kernelHeight = shape.kernelHeight, kernelWidth = shape.kernelWidth
        let stride = shape.stride, dilation = shape.dilation
        let taps = kernelHeight * kernelWidth
        let multiplier = g.outChannels / g.inChannels
        let inPixels = g.inHeight * g.inWidth, outPixels = g.outHeight * g.outWidth, width = g.outWidth
        let paddedWidth = Conv2D.paddedWidth(g)
        // Zero the padding once; copies only ever write the image part.
        ring.initialize(repeating: 0, count: ringSize * paddedWidth)
        for plane in planes {
            let filter = plane % g.outChannels
            let image = plane / g.outChannels
            let source = input + (image &* g.inChannels &+ filter / multiplier) &* inPixels
            for tap in 0..<taps { kernel[tap] = Float8(repeating: weights[filter &* taps &+ tap]) }
            let shift = Float8(repeating: bias?[filter] ?? 0)
            ringRows.initialize(repeating: -1, count: ringSize)
            for row in 0..<g.outHeight {
                let top = row &* g.strideHeight &- g.padTop
                for kh in 0..<kernelHeight {
                    let inputRow = top &+ kh &* g.dilationHeight
                    if inputRow < 0 || inputRow >= g.inHeight {
                        rows[kh] = zeroRow
                        continue
                    }
                    let slot = inputRow % ringSize
                    let padded = ring + slot &* paddedWidth
                    if ringRows[slot] != inputRow {
                        (padded + g.padLeft).update(from: source + inputRow &* g.inWidth, count: g.inWidth)
                        ringRows[slot] = inputRow
                    }
                    rows[kh] = UnsafePointer(padded)
                }
                let line = output + (plane &* outPixels &+ row &* width)
                let extra = residual.map { $0 + (plane &* outPixels &+ row &* width) }
                var column = 0
                while true {
                    let last = column + 8 >= width
                    if last && width >= 8 { column = width &- 8 }
                    // One partial sum per kernel row keeps the add chains short.
                    var total = shift
                    for kh in 0..<kernelHeight {
                        let start = rows[kh] + column &* stride
                        let weights = kernel + kh &* kernelWidth
                        var partial = weights[0] * loadStrided8(start, stride: stride)
                        for kw in 1..<kernelWidth {
                            partial += weights[kw] * loadStrided8(start + kw &* dilation, stride: stride)
                        }
                        total += partial
                    }
                    if width >= 8 {
                        if let extra { total += load8(extra + column) }
                        store8(function(total), line + column)
                    } else {
                        if let extra { total += loadPartial(extra, width) }
                        storePartial(function(total), line, width)
                    }
                    if last { break }
                    column &+= 8
                }
            }
        }
    }
}

/// Kernel size, horizontal stride and dilation of a depthwise filter; the fixed shapes make them
/// compile-time constants in the specialised code.
private protocol DepthwiseKernel {
    var kernelHeight: Int { get }
    var kernelWidth: Int { get }
    var stride: Int { get }
    var dilation: Int { get }
}

private struct Kernel3Stride1: DepthwiseKernel {
    var kernelHeight: Int { 3 }
    var kernelWidth: Int { 3 }
    var stride: Int { 1 }
    var dilation: Int { 1 }
}

private struct Kernel3Stride2: DepthwiseKernel {
    var kernelHeight: Int { 3 }
    var kernelWidth: Int { 3 }
    var stride: Int { 2 }
    var dilation: Int { 1 }
}

private struct Kernel5Stride1: DepthwiseKernel {
    var kernelHeight: Int { 5 }
    var kernelWidth: Int { 5 }
    var stride: Int { 1 }
    var dilation: Int { 1 }
}

private struct Kernel5Stride2: DepthwiseKernel {
    var kernelHeight: Int { 5 }
    var kernelWidth: Int { 5 }
    var stride: Int { 2 }
    var dilation: Int { 1 }
}

private struct AnyKernel: DepthwiseKernel {
    let kernelHeight: Int
    let kernelWidth: Int
    let stride: Int
    let dilation: Int
}
