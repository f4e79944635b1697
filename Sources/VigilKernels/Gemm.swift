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
