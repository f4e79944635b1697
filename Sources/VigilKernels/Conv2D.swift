/// A prepared 2-D convolution with ONNX Conv semantics: any kernel, stride, dilation, pads and groups,
/// including depthwise with a channel multiplier, with bias, residual and activation fused.
///
/// Preparation copies the weights and picks an algorithm once:
/// - depthwise (one input channel per group): a direct SIMD kernel (scratch for padded rows);
/// - 1x1, stride 1, no pads: GEMM straight on the input (it already is the column matrix);
/// - dense 3x3, stride 1, at least 16 output tiles: Winograd F(4x4, 3x3), 36 GEMMs on transformed tiles;
/// - everything else: im2col over a band of output rows into `scratch`, then GEMM.
/// The GEMM paths apply the epilogue band by band while the band is in cache.
///
/// `run` neither allocates nor throws. One instance may run on several threads at once as long as each
/// call has its own output and scratch. See https://onnx.ai/onnx/operators/onnx__Conv.html
public final class Conv2D: @unchecked Sendable {
    public let geometry: ConvGeometry
    let activation: Activation
    let weights: UnsafeMutableBufferPointer<Float>  // weights [M, C/groups, kH, kW]
    let bias: UnsafeMutableBufferPointer<Float>?  // bias [M]
    /// The filters transformed for Winograd (empty on the other paths).
    let winogradWeights: UnsafeMutableBufferPointer<Float>  // winogradWeights [36, M, C] or empty
    let algorithm: Algorithm
    /// A padded row of zeros standing in for input rows above or below the image (depthwise only).
    let zeroRow: UnsafeMutableBufferPointer<Float>  // zeroRow [paddedWidth] or empty

    enum Algorithm: Equatable {
        case depthwise
        /// GEMM on the input, `columns` output pixels per GEMM call.
        case pointwise(columns: Int)
        /// im2col of `rows` output rows at a time, then GEMM.
        case im2col(rows: Int)
        /// Winograd F(4x4, 3x3) over `bandRows` rows of 4x4 tiles at a time.
        case winograd(bandRows: Int)
    }

    /// Band sizes for the GEMM paths, measured on this project's target CPU (AMD EPYC, 1 MiB L2):
    /// im2col bands hold about `bandBytes` of columns but at least `minimumColumns` pixels (small K
    /// wants short bands, large K wants GEMMs wide enough for OpenBLAS); 1x1 bands are at most
    /// `pointwiseColumns` pixels so the epilogue finds its band in L2 (see `pointwiseBandColumns`).
    static let bandBytes = 128 * 1024
    static let minimumColumns = 1024
    static let pointwiseColumns = 256
    /// Pixels per 1x1 band: `pointwiseColumns`, or fewer when that lets OpenBLAS use its small-matrix
    /// kernels (`SmallGemm`).
    static func pointwiseBandColumns(_ g: ConvGeometry) -> Int {
        min(g.outHeight * g.outWidth,
            SmallGemm.columns(m: g.groupOutChannels, k: g.groupInChannels, preferred: pointwiseColumns))
    }

    /// weights [M, C/groups, kH, kW] (copied); bias [M] or nil.
    public init(geometry: ConvGeometry, weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?, activation: Activation) {
        if let problem = geometry.problem { preconditionFailure("Conv2D: \(problem) in \(geometry)") }
        let g = geometry
        let weightCount = g.outChannels * g.groupInChannels * g.kernelHeight * g.kernelWidth
        precondition(weights.count == weightCount, "Conv2D: weights hold \(weights.count) floats, expected \(weightCount)")
        precondition(bias == nil || bias!.count == g.outChannels, "Conv2D: bias must hold \(g.outChannels) floats")
        self.geometry = geometry
        self.activation = activation
        self.weights = .allocate(capacity: weightCount)
        _ = self.weights.initialize(from: weights)
        if let bias {
            let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: bias.count)
            _ = copy.initialize(from: bias)
            self.bias = copy
        } else {
            self.bias = nil
        }
        self.algorithm = Conv2D.chooseAlgorithm(g)
        if case .winograd = algorithm {
            winogradWeights = .allocate(capacity: Conv2D.winogradPositions * g.outChannels * g.inChannels)
            Conv2D.winogradFilters(weights, into: winogradWeights, filters: g.outChannels, channels: g.inChannels)
        } else {
            winogradWeights = .allocate(capacity: 0)
        }
        self.zeroRow = .allocate(capacity: algorithm == .depthwise ? Conv2D.paddedWidth(g) : 0)
        zeroRow.initialize(repeating: 0)
    }

    deinit {
        weights.deallocate()
        bias?.deallocate()
        zeroRow.deallocate()
        winogradWeights.deallocate()
    }

    /// Width of a zero-padded input row for the depthwise path, with room for one chunk of eight outputs.
    static func paddedWidth(_ g: ConvGeometry) -> Int {
        max(g.padLeft + g.inWidth + g.padRight, 7 * g.strideWidth + (g.kernelWidth - 1) * g.dilationWidth + 1)
    }

    static func chooseAlgorithm(_ g: ConvGeometry) -> Algorithm {
        if g.groupInChannels == 1 && g.groups == g.inChannels { return .depthwise }
        if g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideHeight == 1 && g.strideWidth == 1
            && g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 && g.padRight == 0 {
            return .pointwise(columns: pointwiseBandColumns(g))
        }
        if prefersWinograd(g) { return .winograd(bandRows: winogradBandRows(g)) }
        let depth = g.groupInChannels * g.kernelHeight * g.kernelWidth
        let columns = max(minimumColumns, bandBytes / (4 * depth))
        return .im2col(rows: min(g.outHeight, (columns + g.outWidth - 1) / g.outWidth))
    }

    /// Most workers the depthwise path splits planes over (each needs its own scratch slice).
    static let depthwiseWorkers = 8

    /// Floats of one depthwise worker's scratch: broadcast weights (32-byte aligned, hence 8 floats of
    /// slack), then a ring of padded input rows.
    var depthwiseWorkerScratch: Int {
        let g = geometry
        let ringRows = (g.kernelHeight - 1) * g.dilationHeight + 1
        return 8 + g.kernelHeight * g.kernelWidth * 8 + ringRows * Conv2D.paddedWidth(g)
    }

    /// Most workers the im2col path hands whole bands to (each needs its own column buffer).
    static let im2colWorkers = 4

    /// Floats of one im2col band's column matrix.
    func im2colBandScratch(rows: Int) -> Int {
        geometry.groupInChannels * geometry.kernelHeight * geometry.kernelWidth * rows * geometry.outWidth
    }

    /// Floats of scratch `run` needs (0 when none), for any number of threads.
    public var scratchCount: Int {
        switch algorithm {
        case .depthwise: return Conv2D.depthwiseWorkers * depthwiseWorkerScratch
        case .pointwise: return 0
        case .im2col(let rows): return Conv2D.im2colWorkers * im2colBandScratch(rows: rows)
        case .winograd(let bandRows): return winogradScratchCount(bandRows: bandRows)
        }
    }

    /// Runs the convolution; `residual` is added after the bias and before the activation.
    public func run(
        input: UnsafePointer<Float>,  // input [N, C, H, W]
        output: UnsafeMutablePointer<Float>,  // output [N, M, OH, OW]
        residual: UnsafePointer<Float>?,  // residual [N, M, OH, OW] or nil
        scratch: UnsafeMutablePointer<Float>?,  // scratch [scratchCount] or nil when 0
        parallel: ParallelContext
    ) {
        precondition(scratchCount == 0 || scratch != nil, "Conv2D: needs \(scratchCount) floats of scratch")
        switch algorithm {
        case .depthwise:
            runDepthwise(input: input, output: output, residual: residual, scratch: scratch!, parallel: parallel)
        case .pointwise(let columns):
            runPointwise(input: input, output: output, residual: residual, columns: columns, parallel: parallel)
        case .im2col(let rows):
            runIm2col(input: input, output: output, residual: residual, scratch: scratch!, rows: rows, parallel: parallel)
        case .winograd(let bandRows):
            runWinograd(input: input, output: output, residual: residual, scratch: scratch!, bandRows: bandRows, parallel: parallel)
        }
    }

    /// Runs the epilogue over `rows` channels x `columns` pixels, split over threads by channel.
    func finish(
        output: UnsafeMutablePointer<Float>,  // output [rows, rowStride]
        residual: UnsafePointer<Float>?,  // residual [rows, rowStride] or nil
        bias: UnsafePointer<Float>?,  // bias [rows] or nil
        rows: Int, columns: Int, rowStride: Int, parallel: ParallelContext
    ) {
        guard ConvEpilogue.isNeeded(bias: bias, residual: residual, activation: activation) else { return }
        let blocks = rows * columns >= 262_144 ? min(parallel.threads, rows) : 1
        parallel.forEach(blocks) { block in
            let first = rows * block / blocks
            let last = rows * (block + 1) / blocks
            activation.accept(ConvEpilogue(
                output: output + first * rowStride, residual: residual.map { $0 + first * rowStride },
                bias: bias.map { $0 + first }, rows: last - first, columns: columns, rowStride: rowStride))
        }
    }
}

/// ⌈a / b⌉ for b > 0 and any a.
@inline(__always)
func ceilDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? (a + b - 1) / b : -((-a) / b) }

/// ⌊a / b⌋ for b > 0 and any a.
@inline(__always)
func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
