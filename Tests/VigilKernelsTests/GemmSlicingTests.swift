import Testing
@testable import VigilKernels

/// How products are cut for OpenBLAS's small-matrix kernels, and that the cut pieces still make the
/// whole product, the same bits at every thread count.
@Suite struct GemmSlicingTests {
    @Test func smallGemmColumns_fitTheProductInStepsOf16OrKeepThePreferredWidth() {
        #expect(SmallGemm.columns(m: 32, k: 256, preferred: 256) == 112)  // 1e6 / 8192 = 122
        #expect(SmallGemm.columns(m: 48, k: 384, preferred: 256) == 48)   // 54 -> 48
        #expect(SmallGemm.columns(m: 16, k: 64, preferred: 256) == 256)   // already small
        #expect(SmallGemm.columns(m: 16, k: 64, preferred: 100) == 100)
        // Under 48 columns the narrow products lose what the small kernels win: keep the width.
        #expect(SmallGemm.columns(m: 64, k: 512, preferred: 256) == 256)
        #expect(SmallGemm.columns(m: 0, k: 0, preferred: 256) == 256)
    }

    @Test func slicing_coversEveryColumnOnce_andCutsNarrowProductsThatFitSmallKernels() {
        for (m, n, k) in [(48, 196, 256), (32, 784, 128), (16, 3136, 64), (64, 196, 512), (256, 196, 64), (8, 10, 4)] {
            let slicing = GemmSlicing(m: m, n: n, k: k)
            var cells = [Int](repeating: 0, count: m * n)
            for slice in 0..<slicing.count {
                let (rows, columns) = slicing.bounds(slice)
                for row in rows { for column in columns { cells[row * n + column] += 1 } }
                if slicing.byColumns { #expect(m * columns.count * k <= SmallGemm.product || columns.count == 256) }
            }
            #expect(cells.allSatisfy { $0 == 1 }, "m \(m) n \(n) k \(k)")
        }
        // 48 x 256 x 196 is 2.4e6: three slices of 80, 80 and 36 columns.
        let narrow = GemmSlicing(m: 48, n: 196, k: 256)
        #expect(narrow.byColumns && narrow.count == 3 && narrow.bounds(2).columns == 160..<196)
        // 64 x 512 would need slices under 48 columns: rows of 64 are not cut either, one product.
        #expect(GemmSlicing(m: 64, n: 196, k: 512).count == 1)
    }

    @Test(arguments: [(48, 196, 256), (32, 784, 128)])
    func slicedGemm_matchesReference_withTheSameBitsAtEveryThreadCount(_ shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = (0..<(m * k)).map { Float(($0 * 7) % 13) / 13 - 0.5 }
        let b = (0..<(k * n)).map { Float(($0 * 5) % 11) / 11 - 0.5 }
        var expected = [Float](repeating: 0, count: m * n)
        for row in 0..<m {
            for column in 0..<n {
                var sum: Double = 0
                for i in 0..<k { sum += Double(a[row * k + i]) * Double(b[i * n + column]) }
                expected[row * n + column] = Float(sum)
            }
        }
        var results: [[Float]] = []
        for threads in 1...2 {
            var c = [Float](repeating: .nan, count: m * n)
            c.withUnsafeMutableBufferPointer {
                gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n,
                     beta: 0, c: $0.baseAddress!, ldc: n, parallel: ParallelContext(threads: threads))
            }
            expectClose(c, expected, abs: 1e-4, rel: 1e-5, "m \(m) n \(n) k \(k) threads \(threads)")
            results.append(c)
        }
        #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern))
    }
}
