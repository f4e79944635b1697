import Foundation
import Testing
@testable import VigilKernels

@Suite struct ElementwiseTests {
    static let unaryOps: [UnaryOp] = [
        .neg, .abs, .sqrt, .reciprocal, .exp, .log, .floor, .ceil, .round, .sin, .cos, .erf, .sign, .softplus, .softsign,
    ]

    func reference(_ op: UnaryOp, _ x: Float) -> Float {
        let v = Double(x)
        switch op {
        case .neg: return -x
        case .abs: return Swift.abs(x)
        case .sqrt: return Float(Foundation.sqrt(v))
        case .reciprocal: return Float(1 / v)
        case .exp: return Float(Foundation.exp(v))
        case .log: return Float(Foundation.log(v))
        case .floor: return Foundation.floor(x)
        case .ceil: return Foundation.ceil(x)
        case .round: return Float(Foundation.rint(v))
        case .sin: return Float(Foundation.sin(v))
        case .cos: return Float(Foundation.cos(v))
        case .erf: return Float(Foundation.erf(v))
        case .sign: return x > 0 ? 1 : x < 0 ? -1 : 0
        case .softplus: return Float(Foundation.log(Foundation.exp(v) + 1))
        case .softsign: return Float(v / (1 + Swift.abs(v)))
        }
    }

    @Test(arguments: unaryOps)
    func unary_matchesDefinition(_ op: UnaryOp) {
        var random = SeededGenerator(seed: 11)
        let positive = op == .sqrt || op == .log
        let input = random.floats(37, in: positive ? 0.01...20 : -20...20) + (positive ? [1, 4] : [0, 0.5, 1.5, 2.5, -0.5, -2.5])
        var output = [Float](repeating: .nan, count: input.count)
        output.withUnsafeMutableBufferPointer { unary(op, input: input, output: $0.baseAddress!, count: input.count) }
        expectClose(output, input.map { reference(op, $0) }, abs: 1e-6, rel: 2e-6, "\(op)")
    }

    @Test func unary_roundsHalfToEven() {
        let input: [Float] = [0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6]
        var output = [Float](repeating: .nan, count: input.count)
        output.withUnsafeMutableBufferPointer { unary(.round, input: input, output: $0.baseAddress!, count: input.count) }
        #expect(output == [0, 2, 2, -0, -2, 2, 3])
    }

    @Test(arguments: [(1, 3, 1), (2, 5, 17), (1, 4, 8), (3, 2, 0)])
    func channelAffine_matchesDefinition(_ shape: (Int, Int, Int)) {
        let (batch, channels, spatial) = shape
        var random = SeededGenerator(seed: 5)
        let input = random.floats(batch * channels * spatial), scale = random.floats(channels), shift = random.floats(channels)
        var output = [Float](repeating: .nan, count: input.count)
        output.withUnsafeMutableBufferPointer {
            channelAffine(input: input, output: $0.baseAddress!, scale: scale, shift: shift, batch: batch, channels: channels, spatial: spatial)
        }
        let expected = input.indices.map { i in input[i] * scale[(i / max(1, spatial)) % channels] + shift[(i / max(1, spatial)) % channels] }
        expectIdentical(output, expected, "\(shape)")
    }

    @Test(arguments: [false, true], [false, true])
    func gemm_matchesDefinition(transposeA: Bool, transposeB: Bool) {
        let m = 7, n = 9, k = 5, lda = (transposeA ? m : k) + 2, ldb = (transposeB ? k : n) + 1, ldc = n + 3
        var random = SeededGenerator(seed: 2)
        let a = random.floats((transposeA ? k : m) * lda), b = random.floats((transposeB ? n : k) * ldb)
        var c = random.floats(m * ldc)
        var expected = c
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let av = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let bv = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(av) * Double(bv)
                }
                expected[i * ldc + j] = Float(1.5 * sum + 0.5 * Double(c[i * ldc + j]))
            }
        }
        c.withUnsafeMutableBufferPointer {
            gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1.5, a: a, lda: lda,
                 b: b, ldb: ldb, beta: 0.5, c: $0.baseAddress!, ldc: ldc)
        }
        expectClose(c, expected, abs: 1e-5, rel: 1e-5, "transposeA \(transposeA) transposeB \(transposeB)")
    }

    @Test func gemm_zeroDepthScalesByBeta() {
        var c: [Float] = [1, 2, 3, 4]
        let a: [Float] = [0], b: [Float] = [0]
        c.withUnsafeMutableBufferPointer {
            gemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 0, alpha: 1, a: a, lda: 1, b: b, ldb: 2, beta: 0.5,
                 c: $0.baseAddress!, ldc: 2)
        }
        #expect(c == [0.5, 1, 1.5, 2])
    }

    @Test func parallelContext_visitsEveryIndexOnce() {
        for threads in 1...3 {
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 37)
            counts.initialize(repeating: 0)
            ParallelContext(threads: threads).forEach(37) { counts[$0] += 1 }
            #expect(counts.allSatisfy { $0 == 1 }, "threads \(threads)")
            counts.deallocate()
        }
    }
}

@Suite struct VectorMathTests {
    // Lane pairs covering ordered values, ties of signed zeros and NaN on either side.
    static let a: [Float] = [1, 3, .nan, 2, 0, -0.0, .nan, -.infinity]
    static let b: [Float] = [2, 1, 5, .nan, -0.0, 0, .nan, -7]

    /// vmax is `a < b ? b : a` and vmin `b < a ? b : a`, lane by lane, bit for bit.
    @Test func vmaxAndVmin_areLessThanSelectsWithNaNInFirstOperandPropagating() {
        let maximum = vmax(Float8(Self.a), Float8(Self.b)), minimum = vmin(Float8(Self.a), Float8(Self.b))
        for lane in 0..<8 {
            let (x, y) = (Self.a[lane], Self.b[lane])
            #expect(maximum[lane].bitPattern == (x < y ? y : x).bitPattern, "lane \(lane): max(\(x), \(y)) gave \(maximum[lane])")
            #expect(minimum[lane].bitPattern == (y < x ? y : x).bitPattern, "lane \(lane): min(\(x), \(y)) gave \(minimum[lane])")
        }
    }

    @Test(arguments: 0..<8)
    func partialLoadAndStore_touchOnlyTheirLanes(_ count: Int) {
        let source: [Float] = (1...8).map { Float($0) }
        let loaded = source.withUnsafeBufferPointer { loadPartial($0.baseAddress!, count, fill: -1) }
        #expect((0..<8).map { loaded[$0] } == (0..<8).map { $0 < count ? source[$0] : -1 })
        var target = [Float](repeating: .nan, count: 9)
        target.withUnsafeMutableBufferPointer { storePartial(Float8(source), $0.baseAddress!, count) }
        #expect(target.prefix(count).elementsEqual(source.prefix(count)))
        #expect(target.dropFirst(count).allSatisfy { $0.isNaN }, "lanes past \(count) were written: \(target)")
    }
}
