import CBLAS

/// Row-major single-precision GEMM: C[m, n] = alpha * op(A) op(B) + beta * C.
///
/// A thin wrapper over OpenBLAS `cblas_sgemm`, which threads itself (see `BLASThreads`).
/// op(A) is [m, k] (A stored [k, m] when `transposeA`), op(B) is [k, n] (B stored [n, k] when
/// `transposeB`); leading dimensions are row strides in floats. See ONNX Gemm / MatMul.
public func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int,  // A [m, k] or [k, m]
    b: UnsafePointer<Float>, ldb: Int,  // B [k, n] or [n, k]
    beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int  // C [m, n]
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m=\(m) n=\(n) k=\(k)")
    precondition(lda >= max(1, transposeA ? m : k), "gemm: lda \(lda) too small")
    precondition(ldb >= max(1, transposeB ? k : n), "gemm: ldb \(ldb) too small")
    precondition(ldc >= max(1, n), "gemm: ldc \(ldc) too small")
    if m == 0 || n == 0 { return }
    if k == 0 {
        // OpenBLAS returns early here; ONNX still wants C scaled by beta.
        for row in 0..<m {
            let line = c + row * ldc
            if beta == 0 {
                line.update(repeating: 0, count: n)
            } else {
                for column in 0..<n { line[column] *= beta }
            }
        }
        return
    }
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// The same product split over `parallel`'s workers, each slice one single-threaded OpenBLAS call.
///
/// C is cut into slices of `sliceColumns` columns when it is wide, else of `sliceRows` rows when it
/// is tall, else left whole. The cut depends only on the shape, never on the thread count, so every
/// thread count gives the same bits (each slice is the same OpenBLAS call whoever runs it).
/// OpenBLAS itself runs single-threaded (`BLASThreads.set(1)`): its own threading pays off only for
/// large products and fights the engine's workers for the cores.
public func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int,  // A [m, k] or [k, m]
    b: UnsafePointer<Float>, ldb: Int,  // B [k, n] or [n, k]
    beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int,  // C [m, n]
    parallel: ParallelContext
) {
    let slices = GemmSlicing(m: m, n: n, k: k)
    parallel.forEach(slices.count) { slice in
        let (rows, columns) = slices.bounds(slice)
        gemm(
            transposeA: transposeA, transposeB: transposeB, m: rows.count, n: columns.count, k: k, alpha: alpha,
            a: transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda, lda: lda,
            b: transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound, ldb: ldb, beta: beta,
            c: c + rows.lowerBound * ldc + columns.lowerBound, ldc: ldc)
    }
}

/// OpenBLAS's small-matrix sgemm kernels (x86-64 AVX-512 builds) take products with
/// M·N·K ≤ 100³ and skip packing. Measured with OpenBLAS 0.3.21 on this project's CPU, on 1x1
/// convolution shapes of SqueezeNet and MobileNet (M·K from 2K to 20K, K up to 1024): cutting such
/// a product into column slices under that size made it 10–30% faster than 256-column slices on
/// the packed path; slices narrower than 48 columns lose that again.
enum SmallGemm {
    static let product = 1_000_000
    static let minimumColumns = 48

    /// Columns per slice of an [m, k] x [k, n] product: `preferred`, or fewer (a multiple of 16,
    /// at least `minimumColumns`) when that keeps each slice within `product`.
    static func columns(m: Int, k: Int, preferred: Int) -> Int {
        let fitting = product / max(1, m * k) / 16 * 16
        return fitting >= minimumColumns ? min(preferred, fitting) : preferred
    }
}

/// How `gemm(..., parallel:)` cuts C: by columns when wide (or when narrower slices fit
/// `SmallGemm`), by rows when tall, else whole.
struct GemmSlicing {
    static let sliceColumns = 256
    static let sliceRows = 64
    let m, n: Int
    let byColumns: Bool
    let columns: Int
    let count: Int

    init(m: Int, n: Int, k: Int) {
        self.m = m
        self.n = n
        columns = SmallGemm.columns(m: m, k: k, preferred: Self.sliceColumns)
        if n >= 2 * Self.sliceColumns || (columns < Self.sliceColumns && n > columns) {
            byColumns = true
            count = (n + columns - 1) / columns
        } else {
            byColumns = false
            count = m >= 2 * Self.sliceRows ? (m + Self.sliceRows - 1) / Self.sliceRows : 1
        }
    }

    func bounds(_ slice: Int) -> (rows: Range<Int>, columns: Range<Int>) {
        if count == 1 { return (0..<m, 0..<n) }
        if byColumns {
            let start = slice * columns
            return (0..<m, start..<min(n, start + columns))
        }
        let start = slice * Self.sliceRows
        return (start..<min(m, start + Self.sliceRows), 0..<n)
    }
}
