import Testing
@testable import VigilKernels

/// Conv2D against the reference over kernel sizes, strides, dilations, pads, groups, batch and epilogues.
@Suite struct Conv2DTests {
    static let tolerance: (abs: Float, rel: Float) = (2e-5, 1e-5)

    /// Kernel 1/3/5/7 x stride 1/2 x dilation 1/2 with asymmetric pads, through im2col (and 1x1 direct).
    static let denseCases: [ConvCase] = [1, 3, 5, 7].flatMap { k in
        [1, 2].flatMap { stride in
            [1, 2].map { dilation in
                ConvCase(geometry: convGeometry(
                    c: 3, h: 11, w: 13, m: 4, kh: k, kw: k, stride: stride, dilation: dilation,
                    pads: (k / 2, k > 1 ? 1 : 0, 0, k / 2 + 1)))
            }
        }
    }

    /// Groups 2, depthwise, depthwise x2 at widths above, at and below one vector, batch 2, asymmetric pads.
    static let groupedCases: [ConvCase] = {
        var cases: [ConvCase] = []
        for (k, stride) in [(3, 1), (3, 2), (5, 1), (5, 2)] {
            for width in [19, 8, 6] {
                cases.append(ConvCase(geometry: convGeometry(
                    n: 2, c: 4, h: 9, w: width, m: 4, kh: k, kw: k, stride: stride, pads: (k / 2, k / 2, 0, 1), groups: 4)))
                cases.append(ConvCase(geometry: convGeometry(
                    c: 3, h: 7, w: width, m: 6, kh: k, kw: k, stride: stride, pads: (1, 0, k / 2, k / 2), groups: 3),
                    bias: false))
            }
            cases.append(ConvCase(geometry: convGeometry(
                n: 2, c: 4, h: 9, w: 10, m: 6, kh: k, kw: k, stride: stride, pads: (k / 2, k / 2, k / 2, k / 2), groups: 2)))
        }
        // Depthwise shapes without unrolled code: 7x7 dilated, 3x5, stride 3, no padding at all.
        cases.append(ConvCase(geometry: convGeometry(c: 2, h: 21, w: 23, m: 2, kh: 7, kw: 7, dilation: 2, pads: (6, 6, 6, 6), groups: 2)))
        cases.append(ConvCase(geometry: convGeometry(c: 2, h: 12, w: 17, m: 4, kh: 3, kw: 5, stride: 3, pads: (1, 2, 0, 1), groups: 2)))
        cases.append(ConvCase(geometry: convGeometry(c: 3, h: 10, w: 20, m: 3, kh: 3, kw: 3, groups: 3)))
        // A single-channel image is depthwise too (C == groups == 1).
        cases.append(ConvCase(geometry: convGeometry(c: 1, h: 9, w: 12, m: 5, kh: 3, kw: 3, pads: (1, 1, 1, 1))))
        return cases
    }()

    /// 1x1 direct GEMM with several bands, groups, batch; im2col with several row bands.
    static let bandCases: [ConvCase] = [
        ConvCase(geometry: convGeometry(n: 2, c: 5, h: 17, w: 19, m: 7, kh: 1, kw: 1)),
        ConvCase(geometry: convGeometry(c: 6, h: 5, w: 3, m: 4, kh: 1, kw: 1, groups: 2), bias: false),
        ConvCase(geometry: convGeometry(c: 4, h: 9, w: 9, m: 6, kh: 1, kw: 1, stride: 2, pads: (1, 0, 0, 1))),
        ConvCase(geometry: convGeometry(c: 2, h: 40, w: 37, m: 3, kh: 3, kw: 3, pads: (1, 1, 1, 1))),
        ConvCase(geometry: convGeometry(n: 2, c: 4, h: 33, w: 35, m: 4, kh: 3, kw: 3, stride: 1, pads: (0, 2, 2, 0), groups: 2)),
        // A first layer: stride 2 over RGB, rows of 20 and 21 outputs (vectors and a tail).
        ConvCase(geometry: convGeometry(c: 3, h: 41, w: 41, m: 8, kh: 3, kw: 3, stride: 2)),
        ConvCase(geometry: convGeometry(c: 3, h: 42, w: 41, m: 8, kh: 3, kw: 3, stride: 2, pads: (1, 1, 1, 1)), activation: .relu),
        // 1x1 bands narrowed for OpenBLAS's small kernels: 80, 80 and 36 of 196 pixels.
        ConvCase(geometry: convGeometry(c: 256, h: 14, w: 14, m: 48, kh: 1, kw: 1), residual: true, activation: .relu),
    ]

    /// Every activation with bias and residual on each algorithm.
    static let epilogueCases: [ConvCase] = allActivations.flatMap { activation in
        [
            convGeometry(n: 2, c: 3, h: 8, w: 11, m: 5, kh: 3, kw: 3, pads: (1, 1, 1, 1)),
            convGeometry(c: 4, h: 6, w: 7, m: 9, kh: 1, kw: 1),
            convGeometry(c: 4, h: 9, w: 21, m: 8, kh: 3, kw: 3, pads: (1, 1, 1, 1), groups: 4),
        ].flatMap { geometry in
            [(true, true), (false, true), (true, false), (false, false)].map { bias, residual in
                ConvCase(geometry: geometry, bias: bias, residual: residual, activation: activation)
            }
        }
    }

    @Test(arguments: denseCases)
    func conv_matchesReferenceOverKernelsStridesDilations(_ testCase: ConvCase) {
        let (actual, expected) = runConvCase(testCase)
        expectClose(actual, expected, abs: Self.tolerance.abs, rel: Self.tolerance.rel, "\(testCase)")
    }

    @Test(arguments: groupedCases)
    func conv_matchesReferenceWithGroupsAndDepthwise(_ testCase: ConvCase) {
        let (actual, expected) = runConvCase(testCase)
        expectClose(actual, expected, abs: Self.tolerance.abs, rel: Self.tolerance.rel, "\(testCase)")
    }

    @Test(arguments: bandCases)
    func conv_matchesReferenceAcrossBands(_ testCase: ConvCase) {
        let (actual, expected) = runConvCase(testCase)
        expectClose(actual, expected, abs: Self.tolerance.abs, rel: Self.tolerance.rel, "\(testCase)")
    }

    @Test(arguments: epilogueCases)
    func conv_matchesReferenceWithBiasResidualActivation(_ testCase: ConvCase) {
        let (actual, expected) = runConvCase(testCase)
        expectClose(actual, expected, abs: Self.tolerance.abs, rel: Self.tolerance.rel, "\(testCase)")
    }

    /// Winograd F(4x4, 3x3): partial tiles at the right and bottom, pads from none to 2 on each side,
    /// batch 2, several bands of tile rows, epilogues (checked with `expectWinogradClose`).
    static let winogradCases: [ConvCase] = {
        var cases: [ConvCase] = []
        for (h, w) in [(16, 16), (17, 19), (22, 15), (30, 41), (40, 7)] {
            for pads in [(0, 0, 0, 0), (1, 1, 1, 1), (2, 0, 1, 2), (0, 2, 2, 1)] {
                cases.append(ConvCase(geometry: convGeometry(c: 5, h: h, w: w, m: 7, kh: 3, kw: 3, pads: pads)))
            }
        }
        cases.append(ConvCase(geometry: convGeometry(n: 2, c: 16, h: 21, w: 18, m: 24, kh: 3, kw: 3, pads: (1, 1, 1, 1)),
                              residual: true, activation: .relu))
        cases.append(ConvCase(geometry: convGeometry(c: 3, h: 20, w: 20, m: 9, kh: 3, kw: 3, pads: (1, 1, 1, 1)),
                              bias: false, activation: .sigmoid))
        // C + K = 240: three bands of four tile rows over a 48x48 output's twelve.
        cases.append(ConvCase(geometry: convGeometry(c: 120, h: 48, w: 48, m: 120, kh: 3, kw: 3, pads: (1, 1, 1, 1)),
                              residual: true))
        // Bands of 50 tiles whose GEMMs go in slices of 48 and 2 tiles (`SmallGemm`).
        cases.append(ConvCase(geometry: convGeometry(c: 128, h: 40, w: 40, m: 128, kh: 3, kw: 3, pads: (1, 1, 1, 1)),
                              activation: .relu))
        return cases
    }()

    @Test(arguments: winogradCases)
    func conv_matchesReferenceThroughWinograd(_ testCase: ConvCase) {
        guard case .winograd = Conv2D.chooseAlgorithm(testCase.geometry) else {
            Issue.record("\(testCase) should run through Winograd")
            return
        }
        let (actual, expected) = runConvCase(testCase)
        expectWinogradClose(actual, expected, termScale: convTermScale(testCase), "\(testCase)")
    }

    @Test func conv_winogradBandsCoverTheImage() {
        let g = convGeometry(c: 120, h: 48, w: 48, m: 120, kh: 3, kw: 3, pads: (1, 1, 1, 1))
        #expect(Conv2D.chooseAlgorithm(g) == .winograd(bandRows: 4))
        // The sliced case of `winogradCases`: two bands of 5 x 10 tiles, each GEMM cut at 48 tiles.
        let sliced = convGeometry(c: 128, h: 40, w: 40, m: 128, kh: 3, kw: 3, pads: (1, 1, 1, 1))
        #expect(Conv2D.chooseAlgorithm(sliced) == .winograd(bandRows: 5))
        #expect(SmallGemm.columns(m: 128, k: 128, preferred: 50) == 48)
    }

    @Test func conv_choosesAlgorithmByShape() {
        #expect(Conv2D.chooseAlgorithm(convGeometry(c: 8, h: 5, w: 5, m: 8, kh: 3, kw: 3, groups: 8)) == .depthwise)
        #expect(Conv2D.chooseAlgorithm(convGeometry(c: 8, h: 5, w: 5, m: 16, kh: 3, kw: 3, groups: 8)) == .depthwise)
        #expect(Conv2D.chooseAlgorithm(convGeometry(c: 8, h: 5, w: 5, m: 4, kh: 1, kw: 1)) == .pointwise(columns: 25))
        #expect(Conv2D.chooseAlgorithm(convGeometry(c: 64, h: 56, w: 56, m: 16, kh: 1, kw: 1)) == .pointwise(columns: 256))
        #expect(Conv2D.chooseAlgorithm(convGeometry(c: 256, h: 28, w: 28, m: 32, kh: 1, kw: 1)) == .pointwise(columns: 112))
        #expect(Conv2D.chooseAlgorithm(convGeometry(c: 512, h: 14, w: 14, m: 64, kh: 1, kw: 1)) == .pointwise(columns: 196))
        if case .im2col = Conv2D.chooseAlgorithm(convGeometry(c: 8, h: 5, w: 5, m: 4, kh: 1, kw: 1, stride: 2)) {
        } else {
            Issue.record("strided 1x1 should use im2col")
        }
        // 3x3 stride 1 goes to Winograd from 16 tiles of 4x4 outputs; below that, and when strided,
        // dilated or grouped, it stays on im2col.
        #expect(Conv2D.chooseAlgorithm(convGeometry(c: 16, h: 56, w: 56, m: 64, kh: 3, kw: 3, pads: (1, 1, 1, 1))) == .winograd(bandRows: 7))
        #expect(Conv2D.chooseAlgorithm(convGeometry(c: 64, h: 13, w: 13, m: 64, kh: 3, kw: 3, pads: (1, 1, 1, 1))) == .winograd(bandRows: 4))
        for g in [
            convGeometry(c: 512, h: 7, w: 7, m: 512, kh: 3, kw: 3, pads: (1, 1, 1, 1)),
            convGeometry(c: 16, h: 56, w: 56, m: 64, kh: 3, kw: 3, stride: 2, pads: (1, 1, 1, 1)),
            convGeometry(c: 16, h: 56, w: 56, m: 64, kh: 3, kw: 3, dilation: 2, pads: (2, 2, 2, 2)),
            convGeometry(c: 16, h: 56, w: 56, m: 64, kh: 3, kw: 3, pads: (1, 1, 1, 1), groups: 2),
        ] {
            if case .im2col = Conv2D.chooseAlgorithm(g) {} else { Issue.record("\(g) should use im2col") }
        }
    }

    @Test(arguments: [
        ConvCase(geometry: convGeometry(n: 2, c: 6, h: 23, w: 29, m: 12, kh: 3, kw: 3, pads: (1, 1, 1, 1), groups: 6),
                 residual: true, activation: .hardSwish),
        ConvCase(geometry: convGeometry(n: 2, c: 5, h: 40, w: 41, m: 16, kh: 3, kw: 3, stride: 2, pads: (1, 1, 1, 1)),
                 residual: true, activation: .sigmoid),
        ConvCase(geometry: convGeometry(n: 2, c: 16, h: 31, w: 33, m: 24, kh: 1, kw: 1), residual: true, activation: .relu),
        ConvCase(geometry: convGeometry(n: 2, c: 12, h: 29, w: 27, m: 20, kh: 3, kw: 3, pads: (1, 1, 1, 1)), residual: true, activation: .relu),
    ])
    func conv_twoThreadsMatchOneThreadBitForBit(_ testCase: ConvCase) {
        let one = runConvCase(testCase, threads: 1)
        let two = runConvCase(testCase, threads: 2)
        expectIdentical(two.actual, one.actual, "\(testCase)")
        if case .winograd = Conv2D.chooseAlgorithm(testCase.geometry) {
            expectWinogradClose(one.actual, one.expected, termScale: convTermScale(testCase), "\(testCase)")
        } else {
            expectClose(one.actual, one.expected, abs: Self.tolerance.abs, rel: Self.tolerance.rel, "\(testCase)")
        }
    }
}
