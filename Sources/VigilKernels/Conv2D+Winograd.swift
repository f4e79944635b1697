/// Winograd F(4x4, 3x3) for dense 3x3 stride-1 convolutions (Lavin & Gray, "Fast Algorithms for
/// Convolutional Neural Networks", 2015).
///
/// Each 4x4 block of output pixels (a tile) comes from a 6x6 input patch: Y = Aᵀ [U ⊙ V] A with
/// U = G g Gᵀ (the filter, transformed once at preparation) and V = Bᵀ d B (the patch). Across
/// channels the element-wise products become 36 GEMMs, one per position ξ of the 6x6 transform:
/// M[ξ] (K x tiles) = U[ξ] (K x C) · V[ξ] (C x tiles). That takes 36 multiplies per tile and
/// channel pair where direct convolution takes 144, and it is where SqueezeNet-style 3x3 layers
/// spend most of their time; the transforms are linear passes around OpenBLAS.
///
/// The price is rounding: the transforms' coefficients (up to 8 and down to 1/24) make the result
/// differ from direct summation by about 1e-5 of the layer's output scale, which the engine's model
/// tolerance (1e-4 absolute + 1e-3 relative at the outputs) absorbs. It is used only where it wins
/// (see `Conv2D.chooseAlgorithm`): small images and single tiles stay on im2col.
extension Conv2D {
    /// Output pixels per tile side (m in F(m, r)).
    static let winogradTile = 4
    /// Input patch side (m + r - 1) and the number of transform positions ξ.
    static let winogradPatch = 6
    static let winogradPositions = 36
    /// Most workers the input and output transforms split over (each needs its own row buffers).
    static let winogradWorkers = 8
    /// A band of tile rows keeps V and M about this size, so the GEMMs' operands stay in L2.
    static let winogradBandBytes = 2 * 1024 * 1024

    /// Whether F(4x4, 3x3) applies and is faster than im2col for this geometry.
    static func prefersWinograd(_ g: ConvGeometry) -> Bool {
        guard g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
            && g.dilationHeight == 1 && g.dilationWidth == 1 && g.groups == 1 else { return false }
        // With fewer tiles the 36 GEMMs are too narrow for OpenBLAS (measured: a 7x7 output with 512
        // channels runs at half im2col's speed; 13x13 and up win 1.5-3.5x).
        return tileRows(g) * tileColumns(g) >= 16
    }

    static func tileRows(_ g: ConvGeometry) -> Int { (g.outHeight + winogradTile - 1) / winogradTile }
    static func tileColumns(_ g: ConvGeometry) -> Int { (g.outWidth + winogradTile - 1) / winogradTile }

    /// Tile rows per band: the whole image when V and M fit `winogradBandBytes` (or hold at most 64
    /// tiles), else the fewest equal bands that fit.
    static func winogradBandRows(_ g: ConvGeometry) -> Int {
        let bytesPerTile = winogradPositions * (g.inChannels + g.outChannels) * 4
        let tiles = max(64, winogradBandBytes / bytesPerTile)
        let fitting = max(1, min(tileRows(g), tiles / tileColumns(g)))
        let bands = (tileRows(g) + fitting - 1) / fitting
        return (tileRows(g) + bands - 1) / bands
    }

    /// Floats in one padded input row of the input transform: the tiles' columns plus the two
    /// columns of overlap, rounded up to whole vectors.
    var winogradRowStride: Int { (Conv2D.tileColumns(geometry) * Conv2D.winogradTile + 2 + 7) / 8 * 8 }

    /// Scratch of the Winograd path: V [C, 36, band tiles], M [K, 36, band tiles] (+ one vector of
    /// slack for the output transform's last loads), and per worker 12 padded rows.
    func winogradScratchCount(bandRows: Int) -> Int {
        let g = geometry
        let bandTiles = bandRows * Conv2D.tileColumns(g)
        return Conv2D.winogradPositions * (g.inChannels + g.outChannels) * bandTiles + 8
            + Conv2D.winogradWorkers * 2 * Conv2D.winogradPatch * winogradRowStride
    }

    /// U = G g Gᵀ for every filter: weights [K, C, 3, 3] -> transformed [36, K, C].
    static func winogradFilters(
        _ weights: UnsafeBufferPointer<Float>,  // weights [K, C, 3, 3]
        into transformed: UnsafeMutableBufferPointer<Float>,  // transformed [36, K, C]
        filters: Int, channels: Int
    ) {
        // G for F(4, 3) with interpolation points 0, ±1, ±2, ∞; computed in Double, rounded once.
        let G: [[Double]] = [
            [1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
            [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1],
        ]
        var half = [Double](repeating: 0, count: 18)  // G g: [6, 3], one filter at a time
        for k in 0..<filters {
            for c in 0..<channels {
                let g = weights.baseAddress! + (k * channels + c) * 9
                for i in 0..<6 {
                    for j in 0..<3 {
                        half[i * 3 + j] = (0..<3).reduce(0) { $0 + G[i][$1] * Double(g[$1 * 3 + j]) }
                    }
                }
                for i in 0..<6 {
                    for j in 0..<6 {
                        let value = (0..<3).reduce(0) { $0 + half[i * 3 + $1] * G[j][$1] }
                        transformed[((i * 6 + j) * filters + k) * channels + c] = Float(value)
                    }
                }
            }
        }
    }

    func runWinograd(
        input: UnsafePointer<Float>,  // input [N, C, H, W]
        output: UnsafeMutablePointer<Float>,  // output [N, K, OH, OW]
        residual: UnsafePointer<Float>?,  // residual [N, K, OH, OW] or nil
        scratch: UnsafeMutablePointer<Float>,  // scratch [winogradScratchCount(bandRows)]
        bandRows: Int, parallel: ParallelContext
    ) {
        let g = geometry
        let channels = g.inChannels, filters = g.outChannels
        let tileRows = Conv2D.tileRows(g), tileColumns = Conv2D.tileColumns(g)
        let activation = self.activation
        let maxBandTiles = bandRows * tileColumns
        // Channel-major and filter-major, so that each transform reads or writes one contiguous block;
        // the GEMMs of the positions see them through leading dimensions of 36 · bandTiles.
        let transformedInput = scratch  // V [C, 36, bandTiles]
        let products = scratch + Conv2D.winogradPositions * channels * maxBandTiles  // M [K, 36, bandTiles]
        let rows = products + Conv2D.winogradPositions * filters * maxBandTiles + 8  // [workers, 12, rowStride]
        let rowStride = winogradRowStride
        let inPixels = g.inHeight * g.inWidth, outPixels = g.outHeight * g.outWidth
        let filtersU = winogradWeights.baseAddress!
        for image in 0..<g.batch {
            let source = input + image * channels * inPixels
            for firstTileRow in stride(from: 0, to: tileRows, by: bandRows) {
                let bandTileRows = min(bandRows, tileRows - firstTileRow)
                let bandTiles = bandTileRows * tileColumns
                let inputWorkers = min(parallel.threads, Conv2D.winogradWorkers, channels)
                parallel.forEach(inputWorkers) { worker in
                    let buffer = rows + worker * 2 * Conv2D.winogradPatch * rowStride
                    for channel in (channels * worker / inputWorkers)..<(channels * (worker + 1) / inputWorkers) {
                        transformInput(
                            plane: source + channel * inPixels,
                            into: transformedInput + channel * Conv2D.winogradPositions * bandTiles,
                            positionStride: bandTiles, firstTileRow: firstTileRow, tileRows: bandTileRows,
                            rows: buffer, rowStride: rowStride)
                    }
                }
                let gemmWorkers = min(parallel.threads, Conv2D.winogradPositions)
                let sliceTiles = SmallGemm.columns(m: filters, k: channels, preferred: bandTiles)
                parallel.forEach(gemmWorkers) { worker in
                    let positions = Conv2D.winogradPositions
                    for position in (positions * worker / gemmWorkers)..<(positions * (worker + 1) / gemmWorkers) {
                        for first in stride(from: 0, to: bandTiles, by: sliceTiles) {
                            gemm(
                                transposeA: false, transposeB: false, m: filters, n: min(sliceTiles, bandTiles - first),
                                k: channels, alpha: 1, a: filtersU + position * filters * channels, lda: channels,
                                b: transformedInput + position * bandTiles + first, ldb: Conv2D.winogradPositions * bandTiles,
                                beta: 0, c: products + position * bandTiles + first, ldc: Conv2D.winogradPositions * bandTiles)
                        }
                    }
                }
                let outputWorkers = min(parallel.threads, filters)
                parallel.forEach(outputWorkers) { worker in
                    for filter in (filters * worker / outputWorkers)..<(filters * (worker + 1) / outputWorkers) {
                        let planeOffset = (image * filters + filter) * outPixels
                        activation.accept(WinogradOutputTransform(
                            products: products + filter * Conv2D.winogradPositions * bandTiles, positionStride: bandTiles,
                            plane: output + planeOffset, residual: residual.map { $0 + planeOffset },
                            bias: bias?[filter] ?? 0, width: g.outWidth, height: g.outHeight, tileColumns: tileColumns,
                            firstTileRow: firstTileRow, tileRows: bandTileRows))
                    }
                }
            }
        }
    }

    /// V = Bᵀ d B for every tile of a band of one channel: first down the columns of the six input
    /// rows a tile row reads (whole rows at once, eight columns per vector), then along each of the
    /// six resulting rows tile by tile.
    func transformInput(
        plane: UnsafePointer<Float>,  // plane [H, W]: one channel of one image
        into transformed: UnsafeMutablePointer<Float>,  // V[c] of [C, 36, bandTiles]: position ξ at + ξ * positionStride
        positionStride: Int, firstTileRow: Int, tileRows: Int,
        rows: UnsafeMutablePointer<Float>,  // rows [12, rowStride]: six padded input rows, then six column-transformed rows
        rowStride: Int
    ) {
        let g = geometry
        let tileColumns = Conv2D.tileColumns(g)
        let padded = rows, columnPass = rows + Conv2D.winogradPatch * rowStride
        for tileRow in 0..<tileRows {
            for i in 0..<Conv2D.winogradPatch {
                let y = (firstTileRow + tileRow) * Conv2D.winogradTile - g.padTop + i
                let line = padded + i * rowStride
                if y < 0 || y >= g.inHeight {
                    line.update(repeating: 0, count: rowStride)
                } else {
                    // Padded column p holds input column p - padLeft; the stride always has room for all of them.
                    line.update(repeating: 0, count: g.padLeft)
                    (line + g.padLeft).update(from: plane + y * g.inWidth, count: g.inWidth)
                    (line + g.padLeft + g.inWidth).update(repeating: 0, count: rowStride - g.padLeft - g.inWidth)
                }
            }
            // Bᵀ applied down the columns.
            var x = 0
            while x < rowStride {
                let r0 = load8(padded + x), r1 = load8(padded + rowStride + x), r2 = load8(padded + 2 * rowStride + x)
                let r3 = load8(padded + 3 * rowStride + x), r4 = load8(padded + 4 * rowStride + x)
                let r5 = load8(padded + 5 * rowStride + x)
                let v = Conv2D.winogradInputRow(r0, r1, r2, r3, r4, r5)
                store8(v.0, columnPass + x)
                store8(v.1, columnPass + rowStride + x)
                store8(v.2, columnPass + 2 * rowStride + x)
                store8(v.3, columnPass + 3 * rowStride + x)
                store8(v.4, columnPass + 4 * rowStride + x)
                store8(v.5, columnPass + 5 * rowStride + x)
                x += 8
            }
            // Bᵀ applied along each row: four tiles side by side (one vector lane each, from a
            // transpose of the five four-column blocks they span), then any last tiles one by one.
            for j in 0..<Conv2D.winogradPatch {
                let line = columnPass + j * rowStride
                let out = transformed + j * Conv2D.winogradPatch * positionStride + tileRow * tileColumns
                var tile = 0
                while tile + 4 <= tileColumns {
                    // Block i is columns 4(tile + i) ..< +4; the fifth ends within the padded row.
                    let d = line + tile * Conv2D.winogradTile
                    let r0 = load4(d), r1 = load4(d + 4), r2 = load4(d + 8), r3 = load4(d + 12), r4 = load4(d + 16)
                    let d0 = Float4(r0[0], r1[0], r2[0], r3[0]), d1 = Float4(r0[1], r1[1], r2[1], r3[1])
                    let d2 = Float4(r0[2], r1[2], r2[2], r3[2]), d3 = Float4(r0[3], r1[3], r2[3], r3[3])
                    let d4 = Float4(r1[0], r2[0], r3[0], r4[0]), d5 = Float4(r1[1], r2[1], r3[1], r4[1])
                    let v = Conv2D.winogradInputRow(d0, d1, d2, d3, d4, d5)
                    store4(v.0, out + tile)
                    store4(v.1, out + positionStride + tile)
                    store4(v.2, out + 2 * positionStride + tile)
                    store4(v.3, out + 3 * positionStride + tile)
                    store4(v.4, out + 4 * positionStride + tile)
                    store4(v.5, out + 5 * positionStride + tile)
                    tile += 4
                }
                while tile < tileColumns {
                    let d = line + tile * Conv2D.winogradTile
                    let v = Conv2D.winogradInputRow(d[0], d[1], d[2], d[3], d[4], d[5])
                    out[tile] = v.0
                    out[positionStride + tile] = v.1
                    out[2 * positionStride + tile] = v.2
                    out[3 * positionStride + tile] = v.3
                    out[4 * positionStride + tile] = v.4
                    out[5 * positionStride + tile] = v.5
                    tile += 1
                }
            }
        }
    }

    /// Bᵀ applied to six values down a column or along a row: its six outputs (scalars, or lanes of
    /// eight columns or four tiles).
    @inline(__always)
    static func winogradInputRow<V: WinogradLane>(
        _ d0: V, _ d1: V, _ d2: V, _ d3: V, _ d4: V, _ d5: V
    ) -> (V, V, V, V, V, V) {
        (4 * d0 - 5 * d2 + d4, d3 + d4 - 4 * (d1 + d2), 4 * (d1 - d2) + d4 - d3,
         2 * (d3 - d1) + d4 - d2, 2 * (d1 - d3) + d4 - d2, 4 * d1 - 5 * d3 + d5)
    }

    /// Aᵀ applied along one row (or column) of six vectors: its four outputs.
    @inline(__always)
    static func winogradOutputRow(
        _ v0: Float4, _ v1: Float4, _ v2: Float4, _ v3: Float4, _ v4: Float4, _ v5: Float4
    ) -> (Float4, Float4, Float4, Float4) {
        let s12 = v1 + v2, d12 = v1 - v2, s34 = v3 + v4, d34 = v3 - v4
        return (v0 + s12 + s34, d12 + 2 * d34, s12 + 4 * s34, d12 + 8 * d34 + v5)
    }
}

/// Y = Aᵀ M A for every tile of a band of one filter, then bias, residual and activation, written
/// into the output plane; tiles that overhang the image's right or bottom edge are cut.
///
/// Four neighbouring tiles go through the transform side by side (one vector lane each); each of
/// their output rows is then a 4x4 transpose away from sixteen contiguous output pixels.
struct WinogradOutputTransform: ActivationVisitor {
    let products: UnsafePointer<Float>  // M[k] of [K, 36, bandTiles]: position ξ at + ξ * positionStride
    let positionStride: Int
    let plane: UnsafeMutablePointer<Float>  // plane [height, width]: one filter of one image
    let residual: UnsafePointer<Float>?  // residual [height, width] or nil
    let bias: Float
    let width, height, tileColumns, firstTileRow, tileRows: Int

    func visit<F: VectorFunction>(_ function: F) {
        // columnPass[l * 4 + a]: row a of column l after Aᵀ went down the columns, for four tiles.
        withUnsafeTemporaryAllocation(of: Float4.self, capacity: 24) { columnPass in
            transformTiles(function, columnPass: columnPass.baseAddress!)
        }
    }

    @inline(__always)
    private func transformTiles<F: VectorFunction>(
        _ function: F, columnPass: UnsafeMutablePointer<Float4>
    ) {
        let shift = Float4(repeating: bias)
        let rowStride = 6 * positionStride  // between rows of the 6x6 positions
        for tileRow in 0..<tileRows {
            let firstRow = (firstTileRow + tileRow) * Conv2D.winogradTile
            let rows = min(Conv2D.winogradTile, height - firstRow)
            var firstTile = 0
            while firstTile < tileColumns {
                // Lanes past the row's last tile read the next row's tiles (or the slack) and are not stored.
                // Position ξ = 6·row + l: each step of l moves one position, each row six.
                var m = products + tileRow * tileColumns + firstTile
                for l in 0..<6 {
                    let column = Conv2D.winogradOutputRow(
                        load4(m), load4(m + rowStride), load4(m + 2 * rowStride), load4(m + 3 * rowStride),
                        load4(m + 4 * rowStride), load4(m + 5 * rowStride))
                    m += positionStride
                    columnPass[l * 4] = column.0
                    columnPass[l * 4 + 1] = column.1
                    columnPass[l * 4 + 2] = column.2
                    columnPass[l * 4 + 3] = column.3
                }
                let firstColumn = firstTile * Conv2D.winogradTile
                let columns = min(16, width - firstColumn)
                for a in 0..<rows {
                    let y = Conv2D.winogradOutputRow(
                        columnPass[a], columnPass[4 + a], columnPass[8 + a], columnPass[12 + a],
                        columnPass[16 + a], columnPass[20 + a])
                    // Lane t of y.b is column b of tile t: transposed, vector t is tile t's four columns.
                    var low = Float8(lowHalf: Float4(y.0[0], y.1[0], y.2[0], y.3[0]), highHalf: Float4(y.0[1], y.1[1], y.2[1], y.3[1]))
                    var high = Float8(lowHalf: Float4(y.0[2], y.1[2], y.2[2], y.3[2]), highHalf: Float4(y.0[3], y.1[3], y.2[3], y.3[3]))
                    let line = plane + (firstRow + a) * width + firstColumn
                    let shift8 = Float8(lowHalf: shift, highHalf: shift)
                    low += shift8
                    high += shift8
                    if columns == 16 {
                        if let residual {
                            let extra = residual + (firstRow + a) * width + firstColumn
                            low += load8(extra)
                            high += load8(extra + 8)
                        }
                        store8(function(low), line)
                        store8(function(high), line + 8)
                    } else {
                        if let residual {
                            let extra = residual + (firstRow + a) * width + firstColumn
                            if columns >= 8 {
                                low += load8(extra)
                                if columns > 8 { high += loadPartial(extra + 8, columns - 8) }
                            } else {
                                low += loadPartial(extra, columns)
                            }
                        }
                        if columns >= 8 {
                            store8(function(low), line)
                            if columns > 8 { storePartial(function(high), line + 8, columns - 8) }
                        } else {
                            storePartial(function(low), line, columns)
                        }
                    }
                }
                firstTile += 4
            }
        }
    }
}

/// What `winogradInputRow` computes on: a Float, or vectors of them.
protocol WinogradLane {
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Float, b: Self) -> Self
}

extension Float: WinogradLane {}
extension SIMD4<Float>: WinogradLane {}
extension SIMD8<Float>: WinogradLane {}
