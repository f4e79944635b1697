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

    /// Scratch of the Winograd path: V [36, C, band tiles], M [36, K, band tiles] (+ one vector of
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
        for k in 0..<filters {
            for c in 0..<channels {
                let g = weights.baseAddress! + (k * channels + c) * 9
                var half = [Double](repeating: 0, count: 18)  // G g: [6, 3]
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
        let maxBandTiles = bandRows * tileColumns
        let transformedInput = scratch  // V [36, C, bandTiles]
        let products = scratch + Conv2D.winogradPositions * channels * maxBandTiles  // M [36, K, bandTiles]
        let rows = products + Conv2D.winogradPositions * filters * maxBandTiles + 8  // [workers, 12, rowStride]
        let rowStride = winogradRowStride
        let inPixels = g.inHeight * g.inWidth, outPixels = g.outHeight * g.outWidth
        let filtersU = winogradWeights.baseAddress!
        for image in 0..<g.batch {
            let source = input + image * channels * inPixels
            let target = output + image * filters * outPixels
            for firstTileRow in stride(from: 0, to: tileRows, by: bandRows) {
                let bandTileRows = min(bandRows, tileRows - firstTileRow)
                let bandTiles = bandTileRows * tileColumns
                let inputWorkers = min(parallel.threads, Conv2D.winogradWorkers, channels)
                parallel.forEach(inputWorkers) { worker in
                    let buffer = rows + worker * 2 * Conv2D.winogradPatch * rowStride
                    for channel in (channels * worker / inputWorkers)..<(channels * (worker + 1) / inputWorkers) {
                        transformInput(
                            plane: source + channel * inPixels, into: transformedInput + channel * bandTiles,
                            positionStride: channels * bandTiles, firstTileRow: firstTileRow, tileRows: bandTileRows,
                            rows: buffer, rowStride: rowStride)
                    }
                }
                let gemmWorkers = min(parallel.threads, Conv2D.winogradPositions)
                parallel.forEach(gemmWorkers) { worker in
                    let positions = Conv2D.winogradPositions
                    for position in (positions * worker / gemmWorkers)..<(positions * (worker + 1) / gemmWorkers) {
                        gemm(
                            transposeA: false, transposeB: false, m: filters, n: bandTiles, k: channels, alpha: 1,
                            a: filtersU + position * filters * channels, lda: channels,
                            b: transformedInput + position * channels * bandTiles, ldb: bandTiles, beta: 0,
                            c: products + position * filters * bandTiles, ldc: bandTiles)
                    }
                }
                let outputWorkers = min(parallel.threads, filters)
                parallel.forEach(outputWorkers) { worker in
                    for filter in (filters * worker / outputWorkers)..<(filters * (worker + 1) / outputWorkers) {
                        transformOutput(
                            products: products + filter * bandTiles, positionStride: filters * bandTiles,
                            into: target + filter * outPixels, firstTileRow: firstTileRow, tileRows: bandTileRows)
                    }
                }
                let firstRow = firstTileRow * Conv2D.winogradTile
                let lastRow = min(g.outHeight, (firstTileRow + bandTileRows) * Conv2D.winogradTile)
                let band = image * filters * outPixels + firstRow * g.outWidth
                finish(
                    output: output + band, residual: residual.map { $0 + band }, bias: bias.map { UnsafePointer($0.baseAddress!) },
                    rows: filters, columns: (lastRow - firstRow) * g.outWidth, rowStride: outPixels, parallel: parallel)
            }
        }
    }

    /// V = Bᵀ d B for every tile of a band of one channel: first down the columns of the six input
    /// rows a tile row reads (whole rows at once, eight columns per vector), then along each of the
    /// six resulting rows tile by tile.
    func transformInput(
        plane: UnsafePointer<Float>,  // plane [H, W]: one channel of one image
        into transformed: UnsafeMutablePointer<Float>,  // V[0][c] of [36, C, bandTiles]; position ξ at + ξ * positionStride
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
                store8(4 * r0 - 5 * r2 + r4, columnPass + x)
                store8(r3 + r4 - 4 * (r1 + r2), columnPass + rowStride + x)
                store8(4 * (r1 - r2) + r4 - r3, columnPass + 2 * rowStride + x)
                store8(2 * (r3 - r1) + r4 - r2, columnPass + 3 * rowStride + x)
                store8(2 * (r1 - r3) + r4 - r2, columnPass + 4 * rowStride + x)
                store8(4 * r1 - 5 * r3 + r5, columnPass + 5 * rowStride + x)
                x += 8
            }
            // Bᵀ applied along each row, one tile (six columns, four apart) at a time.
            for j in 0..<Conv2D.winogradPatch {
                let line = columnPass + j * rowStride
                var out = transformed + j * Conv2D.winogradPatch * positionStride + tileRow * tileColumns
                for tile in 0..<tileColumns {
                    let d = line + tile * Conv2D.winogradTile
                    let d0 = d[0], d1 = d[1], d2 = d[2], d3 = d[3], d4 = d[4], d5 = d[5]
                    out[0] = 4 * d0 - 5 * d2 + d4
                    out[positionStride] = d3 + d4 - 4 * (d1 + d2)
                    out[2 * positionStride] = 4 * (d1 - d2) + d4 - d3
                    out[3 * positionStride] = 2 * (d3 - d1) + d4 - d2
                    out[4 * positionStride] = 2 * (d1 - d3) + d4 - d2
                    out[5 * positionStride] = 4 * d1 - 5 * d3 + d5
                    out += 1
                }
            }
        }
    }

    /// Y = Aᵀ M A for every tile of a band of one filter, eight neighbouring tiles per vector, written
    /// into the output plane (tiles that overhang the image's right or bottom edge are cut).
    func transformOutput(
        products: UnsafePointer<Float>,  // M[0][k] of [36, K, bandTiles]; position ξ at + ξ * positionStride
        positionStride: Int,
        into plane: UnsafeMutablePointer<Float>,  // plane [OH, OW]: one filter of one image
        firstTileRow: Int, tileRows: Int
    ) {
        let g = geometry
        let width = g.outWidth, height = g.outHeight
        let tileColumns = Conv2D.tileColumns(g)
        // The four output rows of eight tiles: stage[a * 32 + b * 8 + lane] is column b of tile `lane`.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 128) { stage in
            let stage = stage.baseAddress!
            for tileRow in 0..<tileRows {
                let firstRow = (firstTileRow + tileRow) * Conv2D.winogradTile
                let rows = min(Conv2D.winogradTile, height - firstRow)
                var firstTile = 0
                while firstTile < tileColumns {
                    // Lanes past the row's last tile read the next row's tiles (or the slack) and are not stored.
                    let m = products + tileRow * tileColumns + firstTile
                    @inline(__always) func column(_ l: Int) -> (Float8, Float8, Float8, Float8) {
                        Conv2D.winogradOutputRow(
                            load8(m + l * positionStride), load8(m + (6 + l) * positionStride),
                            load8(m + (12 + l) * positionStride), load8(m + (18 + l) * positionStride),
                            load8(m + (24 + l) * positionStride), load8(m + (30 + l) * positionStride))
                    }
                    let c0 = column(0), c1 = column(1), c2 = column(2), c3 = column(3), c4 = column(4), c5 = column(5)
                    @inline(__always) func row(_ a: Int, _ y: (Float8, Float8, Float8, Float8)) {
                        store8(y.0, stage + a * 32)
                        store8(y.1, stage + a * 32 + 8)
                        store8(y.2, stage + a * 32 + 16)
                        store8(y.3, stage + a * 32 + 24)
                    }
                    row(0, Conv2D.winogradOutputRow(c0.0, c1.0, c2.0, c3.0, c4.0, c5.0))
                    row(1, Conv2D.winogradOutputRow(c0.1, c1.1, c2.1, c3.1, c4.1, c5.1))
                    row(2, Conv2D.winogradOutputRow(c0.2, c1.2, c2.2, c3.2, c4.2, c5.2))
                    row(3, Conv2D.winogradOutputRow(c0.3, c1.3, c2.3, c3.3, c4.3, c5.3))
                    let firstColumn = firstTile * Conv2D.winogradTile
                    let columns = min(8 * Conv2D.winogradTile, width - firstColumn)
                    for a in 0..<rows {
                        let line = plane + (firstRow + a) * width + firstColumn
                        let source = stage + a * 32
                        if columns == 32 {
                            for lane in 0..<8 {
                                line[4 * lane] = source[lane]
                                line[4 * lane + 1] = source[8 + lane]
                                line[4 * lane + 2] = source[16 + lane]
                                line[4 * lane + 3] = source[24 + lane]
                            }
                        } else {
                            for x in 0..<columns { line[x] = source[(x & 3) * 8 + (x >> 2)] }
                        }
                    }
                    firstTile += 8
                }
            }
        }
    }

    /// Aᵀ applied along one row of six vectors: the row's four outputs.
    @inline(__always)
    static func winogradOutputRow(
        _ v0: Float8, _ v1: Float8, _ v2: Float8, _ v3: Float8, _ v4: Float8, _ v5: Float8
    ) -> (Float8, Float8, Float8, Float8) {
        let s12 = v1 + v2, d12 = v1 - v2, s34 = v3 + v4, d34 = v3 - v4
        return (v0 + s12 + s34, d12 + 2 * d34, s12 + 4 * s34, d12 + 8 * d34 + v5)
    }
}
