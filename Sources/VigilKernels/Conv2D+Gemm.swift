/// The GEMM-based convolution paths: 1x1 straight on the input, and im2col + GEMM for the rest.
///
/// Per image and group the convolution is out[Mg, OH*OW] = W[Mg, K] x columns[K, OH*OW] with
/// K = C/groups * kH * kW. Both paths cut the pixels into bands sized to stay in L2 so that the
/// epilogue (bias, residual, activation) runs right after the GEMM wrote the band.
extension Conv2D {
    func runPointwise(
        input: UnsafePointer<Float>,  // input [N, C, H, W]
        output: UnsafeMutablePointer<Float>,  // output [N, M, H, W]
        residual: UnsafePointer<Float>?,  // residual [N, M, H, W] or nil
        columns: Int, parallel: ParallelContext
    ) {
        let g = geometry
        let depth = g.groupInChannels, filters = g.groupOutChannels, pixels = g.inHeight * g.inWidth
        for image in 0..<g.batch {
            for group in 0..<g.groups {
                let source = input + (image * g.inChannels + group * depth) * pixels
                let outputOffset = (image * g.outChannels + group * filters) * pixels
                let bands = (pixels + columns - 1) / columns
                if bands == 1 {
                    // Small images: one GEMM, sliced by filters when there are enough of them.
                    gemm(
                        transposeA: false, transposeB: false, m: filters, n: pixels, k: depth, alpha: 1,
                        a: weights.baseAddress! + group * filters * depth, lda: depth,
                        b: source, ldb: pixels, beta: 0, c: output + outputOffset, ldc: pixels, parallel: parallel)
                    finish(
                        output: output + outputOffset, residual: residual.map { $0 + outputOffset },
                        bias: bias.map { $0.baseAddress! + group * filters },
                        rows: filters, columns: pixels, rowStride: pixels, parallel: parallel)
                    continue
                }
                // Bands go to the workers whole (GEMM and epilogue), so the bits never depend on the thread count.
                parallel.forEach(bands) { band in
                    let start = band * columns
                    let count = min(columns, pixels - start)
                    gemm(
                        transposeA: false, transposeB: false, m: filters, n: count, k: depth, alpha: 1,
                        a: weights.baseAddress! + group * filters * depth, lda: depth,
                        b: source + start, ldb: pixels, beta: 0,
                        c: output + outputOffset + start, ldc: pixels)
                    finish(
                        output: output + outputOffset + start, residual: residual.map { $0 + outputOffset + start },
                        bias: bias.map { $0.baseAddress! + group * filters },
                        rows: filters, columns: count, rowStride: pixels, parallel: .serial)
                }
            }
        }
    }

    /// im2col + GEMM band by band. With several bands and threads, each worker takes whole bands
    /// into its own column buffer (one fork per image and group); otherwise the band's im2col, GEMM
    /// and epilogue are each split. Either way every band runs the same GEMM slices, so the bits
    /// do not depend on the thread count.
    func runIm2col(
        input: UnsafePointer<Float>,  // input [N, C, H, W]
        output: UnsafeMutablePointer<Float>,  // output [N, M, OH, OW]
        residual: UnsafePointer<Float>?,  // residual [N, M, OH, OW] or nil
        scratch: UnsafeMutablePointer<Float>,  // columns [im2colWorkers, C/groups * kH * kW, rows * OW]
        rows: Int, parallel: ParallelContext
    ) {
        let g = geometry
        let channels = g.groupInChannels, filters = g.groupOutChannels
        let outPixels = g.outHeight * g.outWidth, inPixels = g.inHeight * g.inWidth
        let bands = (g.outHeight + rows - 1) / rows
        let workers = min(parallel.threads, Conv2D.im2colWorkers, bands)
        for image in 0..<g.batch {
            for group in 0..<g.groups {
                let source = input + (image * g.inChannels + group * channels) * inPixels
                let outputOffset = (image * g.outChannels + group * filters) * outPixels
                @inline(__always) func band(_ band: Int, columns: UnsafeMutablePointer<Float>, parallel: ParallelContext) {
                    runIm2colBand(
                        source: source, output: output + outputOffset, residual: residual.map { $0 + outputOffset },
                        columns: columns, group: group, firstRow: band * rows, rows: min(rows, g.outHeight - band * rows),
                        parallel: parallel)
                }
                if workers > 1 {
                    parallel.forEach(workers) { worker in
                        let columns = scratch + worker * im2colBandScratch(rows: rows)
                        for index in stride(from: worker, to: bands, by: workers) { band(index, columns: columns, parallel: .serial) }
                    }
                } else {
                    for index in 0..<bands { band(index, columns: scratch, parallel: parallel) }
                }
            }
        }
    }

    /// One band of output rows of one image and group: im2col into `columns`, GEMM, epilogue.
    func runIm2colBand(
        source: UnsafePointer<Float>,  // source [C/groups, H, W]: one group of one image
        output: UnsafeMutablePointer<Float>,  // output [M/groups, OH, OW]: the same group's planes
        residual: UnsafePointer<Float>?,  // residual [M/groups, OH, OW] or nil
        columns: UnsafeMutablePointer<Float>,  // columns [C/groups * kH * kW, rows * OW]
        group: Int, firstRow: Int, rows: Int, parallel: ParallelContext
    ) {
        let g = geometry
        let channels = g.groupInChannels, filters = g.groupOutChannels
        let depth = channels * g.kernelHeight * g.kernelWidth
        let count = rows * g.outWidth, outPixels = g.outHeight * g.outWidth
        let blocks = depth * count >= 262_144 ? min(parallel.threads, channels) : 1
        parallel.forEach(blocks) { block in
            im2col(
                source: source, columns: columns, firstRow: firstRow, rows: rows,
                channels: (channels * block / blocks)..<(channels * (block + 1) / blocks))
        }
        let band = firstRow * g.outWidth
        gemm(
            transposeA: false, transposeB: false, m: filters, n: count, k: depth, alpha: 1,
            a: weights.baseAddress! + group * filters * depth, lda: depth,
            b: columns, ldb: count, beta: 0,
            c: output + band, ldc: outPixels, parallel: parallel)
        finish(
            output: output + band, residual: residual.map { $0 + band },
            bias: bias.map { $0.baseAddress! + group * filters },
            rows: filters, columns: count, rowStride: outPixels, parallel: parallel)
    }

    /// Copies the receptive fields of output rows firstRow..<firstRow+rows into columns, zeros for padding.
    ///
    /// Row (c, kh, kw) of `columns` holds input[c, oh*sh - padTop + kh*dh, ow*sw - padLeft + kw*dw] for
    /// each output pixel (oh, ow) of the band.
    func im2col(
        source: UnsafePointer<Float>,  // source [C/groups, H, W]: one group of one image
        columns: UnsafeMutablePointer<Float>,  // columns [C/groups * kH * kW, rows * OW]
        firstRow: Int, rows: Int, channels: Range<Int>
    ) {
        let g = geometry
        let width = g.outWidth, count = rows * width
        for channel in channels {
            let plane = source + channel * g.inHeight * g.inWidth
            for kh in 0..<g.kernelHeight {
                for kw in 0..<g.kernelWidth {
                    var target = columns + ((channel * g.kernelHeight + kh) * g.kernelWidth + kw) * count
                    let shift = kw * g.dilationWidth - g.padLeft
                    // Output columns whose input column lies inside the image.
                    let low = min(width, max(0, ceilDiv(-shift, g.strideWidth)))
                    let high = max(low, min(width, floorDiv(g.inWidth - 1 - shift, g.strideWidth) + 1))
                    for row in firstRow..<(firstRow + rows) {
                        let inputRow = row * g.strideHeight - g.padTop + kh * g.dilationHeight
                        if inputRow < 0 || inputRow >= g.inHeight {
                            target.update(repeating: 0, count: width)
                        } else {
                            let line = plane + inputRow * g.inWidth + shift
                            if low > 0 { target.update(repeating: 0, count: low) }
                            if g.strideWidth == 1 {
                                (target + low).update(from: line + low, count: high - low)
                            } else {
                                // Stride 2 (a network's first layers) deinterleaves eight at a time;
                                // `loadStrided8` reads no further than its last lane.
                                var column = low
                                if g.strideWidth == 2 {
                                    while column + 8 <= high {
                                        store8(loadStrided8(line + column * 2, stride: 2), target + column)
                                        column += 8
                                    }
                                }
                                while column < high {
                                    target[column] = line[column * g.strideWidth]
                                    column += 1
                                }
                            }
                            if high < width { (target + high).update(repeating: 0, count: width - high) }
                        }
                        target += width
                    }
                }
            }
        }
    }
}
