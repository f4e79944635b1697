import Foundation
import Testing
import VigilImage
@testable import VigilVision

@Suite struct PreprocessorTests {
    static func noise(width: Int, height: Int, seed: Int) -> RGBImage {
        var state = UInt32(truncatingIfNeeded: seed &* 2_654_435_761 &+ 1)
        let pixels = (0..<(width * height * 3)).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(state >> 24)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func decoded(_ image: RGBImage, format: ImageFormat = .png, mode: SourceMode = .rgb, orientation: Int? = nil) -> DecodedImage {
        DecodedImage(image: image, format: format, sourceMode: mode, exifOrientation: orientation)
    }

    /// The first few indices whose bits differ (a short failure message for 150K-value tensors).
    static func differing(_ actual: [Float], _ expected: [Float]) -> [Int] {
        guard actual.count == expected.count else { return [-1] }
        return Array(actual.indices.lazy.filter { actual[$0].bitPattern != expected[$0].bitPattern }.prefix(5))
    }

    /// NHWC float tensor -> NCHW.
    static func planar(_ hwc: [Float], width: Int, height: Int) -> [Float] {
        (0..<3).flatMap { c in (0..<(width * height)).map { hwc[$0 * 3 + c] } }
    }

    // MARK: Custom Vision pipeline

    /// Odd and upscaled sizes take the double path; camera frames (640x480, 720p, portrait 480x640)
    /// and 256, 300x200 the fixed-point one (see `fixedPointWeights_coverCameraFramesOnly`).
    @Test(arguments: [(1, 1), (5, 7), (8, 3), (64, 48), (256, 256), (300, 200), (200, 300), (1599, 40),
                      (640, 480), (1280, 720), (480, 640), (1000, 999)])
    func customVision_matchesNaiveSeedTwin(width: Int, height: Int) {
        let image = Self.noise(width: width, height: height, seed: width * 1000 + height)
        let expected = SeedPipelineTwin.squareCrop(image, size: 227)
        let nhwc = Preprocessor(contract: .customVisionCompact(layout: .nhwc)).run(Self.decoded(image))
        #expect(Self.differing(nhwc, expected) == [], "NHWC \(width)x\(height)")
        let nchw = Preprocessor(contract: .customVisionCompact(layout: .nchw)).run(Self.decoded(image))
        #expect(Self.differing(nchw, Self.planar(expected, width: 227, height: 227)) == [], "NCHW \(width)x\(height)")
    }

    /// Weights that are whole 128ths in [0, 1) make the seed's double blend exact, so the crop may
    /// compute it in integers; every other weight (extrapolated, finer) keeps the double formula.
    @Test func fixedPointWeights_coverCameraFramesOnly() {
        #expect(CustomVisionSquare.fixedPointWeight(0) == 0)
        #expect(CustomVisionSquare.fixedPointWeight(0.4375) == 56)
        #expect(CustomVisionSquare.fixedPointWeight(127.0 / 128) == 127)
        #expect(CustomVisionSquare.fixedPointWeight(1) == nil)
        #expect(CustomVisionSquare.fixedPointWeight(-0.25) == nil)
        #expect(CustomVisionSquare.fixedPointWeight(1.0 / 256) == nil)
        func allFixed(_ side: Int) -> Bool {
            let square = CustomVisionSquare(sourceWidth: side, sourceHeight: side)
            return (14..<241).allSatisfy { CustomVisionSquare.fixedPointWeight(square.columnTap($0).weight) != nil }
        }
        for side in [256, 480, 720, 1080, 1200, 900] { #expect(allFixed(side), "side \(side)") }
        for side in [227, 999, 47] { #expect(!allFixed(side), "side \(side)") }
    }

    @Test func customVision_smallerCrop_usesSeedOrigin() {
        let image = Self.noise(width: 90, height: 70, seed: 3)
        let full = SeedPipelineTwin.squareCrop(image, size: 256)
        let contract = InputContract(width: 224, height: 224, layout: .nhwc, colorOrder: .bgr, resizing: .customVisionCenterCrop)
        let actual = Preprocessor(contract: contract).run(Self.decoded(image))
        let expected = (16..<240).flatMap { y in (16..<240).flatMap { x in (0..<3).map { full[(y * 256 + x) * 3 + $0] } } }
        #expect(actual == expected)
    }

    /// On the double path (40x30, upscaled) and the fixed-point one (512x384).
    @Test(arguments: [(40, 30), (512, 384)])
    func customVision_rgbOrderAndNormalisation_applyAfterResampling(width: Int, height: Int) {
        let image = Self.noise(width: width, height: height, seed: 4)
        let bgr = SeedPipelineTwin.squareCrop(image, size: 227)
        let contract = InputContract(width: 227, height: 227, layout: .nhwc, colorOrder: .rgb, resizing: .customVisionCenterCrop,
                                     pixelScale: 0.5, mean: [1, 2, 3], std: [2, 4, 8])
        let actual = Preprocessor(contract: contract).run(Self.decoded(image))
        for i in stride(from: 0, to: bgr.count, by: 3 * 997) {
            for c in 0..<3 {
                let sample = Double(bgr[i + 2 - c])
                #expect(actual[i + c] == Float((sample * 0.5 - [1.0, 2, 3][c]) / [2.0, 4, 8][c]))
            }
        }
    }

    @Test func customVision_exifOnlyForUnconvertedImages_seedArithmetic() {
        let image = Self.noise(width: 60, height: 20, seed: 5)
        let preprocessor = Preprocessor(contract: .customVisionCompact(layout: .nhwc))
        func run(_ format: ImageFormat, _ mode: SourceMode, _ orientation: Int?) -> [Float] {
            preprocessor.run(Self.decoded(image, format: format, mode: mode, orientation: orientation))
        }
        let upright = run(.jpeg, .rgb, nil)
        let rotated = SeedPipelineTwin.squareCrop(image.oriented(exifOrientation: 6), size: 227)
        #expect(run(.jpeg, .rgb, 6) == rotated)
        #expect(run(.jpeg, .gray, 6) == upright)                 // converted images lose _getexif
        #expect(run(.jpeg, .cmyk, 6) == upright)
        #expect(run(.png, .rgb, 6) == rotated)                   // Pillow 13 PNGs have _getexif too
        #expect(run(.png, .palette, 6) == upright)
        #expect(run(.bmp, .rgb, 6) == upright)
        #expect(run(.jpeg, .rgb, 0) == upright)
        #expect(run(.jpeg, .rgb, 9) == SeedPipelineTwin.squareCrop(image.transposed(), size: 227))
    }

    @Test func customVisionCap_followsSeedRule() {
        let cap = Preprocessor.customVisionCap
        func size(_ w: Int, _ h: Int) -> [Int] {
            let out = cap(RGBImage(width: w, height: h))
            return [out.width, out.height]
        }
        #expect(size(3300, 1200) == [1600, 581])
        #expect(size(1200, 1700) == [1129, 1600])
        #expect(size(1600, 1200) == [1600, 1200])
        #expect(size(1599, 1599) == [1599, 1599])
        #expect(size(5000, 2) == [1600, 1])                      // 1600·2 // 5000 = 0, kept at 1
        let big = Self.noise(width: 2400, height: 1800, seed: 6)
        #expect(cap(big) == resizePillow(big, width: 1600, height: 1200, filter: .bilinear))
        let wide = Self.noise(width: 3300, height: 30, seed: 7)
        #expect(cap(wide) == resizePillow(wide, width: 1600, height: 14, filter: .bicubic))
    }

    // MARK: Pillow-resize pipelines

    @Test func stretch_isPillowResizeInTensorLayout() {
        let image = Self.noise(width: 50, height: 31, seed: 8)
        let contract = InputContract(width: 16, height: 12, layout: .nchw, colorOrder: .rgb, resizing: .stretch(filter: .bilinear))
        let actual = Preprocessor(contract: contract).run(Self.decoded(image))
        let resized = resizePillow(image, width: 16, height: 12, filter: .bilinear)
        #expect(actual == Self.planar(resized.pixels.map(Float.init), width: 16, height: 12))
    }

    @Test func stretch_bgrScaled_dividesBy255() {
        let image = Self.noise(width: 9, height: 9, seed: 9)
        let contract = InputContract(width: 9, height: 9, layout: .nhwc, colorOrder: .bgr, resizing: .stretch(filter: .bicubic),
                                     pixelScale: 1 / 255)
        let actual = Preprocessor(contract: contract).run(Self.decoded(image))
        let expected = (0..<81).flatMap { p in (0..<3).map { Float(Double(image.pixels[p * 3 + 2 - $0]) / 255) } }
        #expect(actual == expected)
    }

    @Test func resizeThenCenterCrop_autoML_cropsAtPillowOrigin() {
        let image = Self.noise(width: 300, height: 240, seed: 10)
        let contract = InputContract.autoMLImageClassification
        let actual = Preprocessor(contract: contract).run(Self.decoded(image))
        #expect(actual.count == 3 * 224 * 224)
        let resized = resizePillow(image, width: 256, height: 256, filter: .bicubic)
        let mean = [0.485, 0.456, 0.406].map { Double(Float($0)) }, std = [0.229, 0.224, 0.225].map { Double(Float($0)) }
        for (x, y) in [(0, 0), (223, 223), (17, 101), (200, 3)] {
            for c in 0..<3 {
                let sample = Double(resized.pixels[((16 + y) * 256 + 16 + x) * 3 + c])
                #expect(actual[c * 224 * 224 + y * 224 + x] == Float((sample / 255 - mean[c]) / std[c]))
            }
        }
    }

    @Test func resizingsOtherThanSeed_useStandardExifTranspose() {
        let image = Self.noise(width: 30, height: 20, seed: 11)
        let contract = InputContract(width: 20, height: 30, layout: .nhwc, colorOrder: .rgb, resizing: .stretch(filter: .bilinear))
        let preprocessor = Preprocessor(contract: contract)
        let upright = image.oriented(exifOrientation: 6)
        let expected = resizePillow(upright, width: 20, height: 30, filter: .bilinear).pixels.map(Float.init)
        #expect(preprocessor.run(Self.decoded(image, format: .jpeg, mode: .gray, orientation: 6)) == expected)
        let unrotated = resizePillow(image, width: 20, height: 30, filter: .bilinear).pixels.map(Float.init)
        #expect(preprocessor.run(Self.decoded(image, format: .jpeg, mode: .rgb, orientation: 9)) == unrotated)
        #expect(preprocessor.run(Self.decoded(image, format: .jpeg, mode: .rgb, orientation: 0)) == unrotated)
    }

    // MARK: Contract and helpers

    @Test func centerCropOrigins() {
        #expect(CenterCrop.seedOrigin(source: 256, target: 227) == 15)
        #expect(CenterCrop.seedOrigin(source: 256, target: 224) == 16)
        #expect(CenterCrop.pillowOrigin(source: 256, target: 224) == 16)
        #expect(CenterCrop.pillowOrigin(source: 256, target: 227) == 14)      // round(14.5) = 14
        #expect(CenterCrop.pillowOrigin(source: 259, target: 224) == 18)      // round(17.5) = 18
    }

    @Test func validate_namesTheField() {
        func problem(_ contract: InputContract) -> String? {
            do { try contract.validate(); return nil } catch { return error.description }
        }
        #expect(problem(.customVisionCompact(layout: .nchw)) == nil)
        #expect(problem(.autoMLImageClassification) == nil)
        #expect(problem(.customVisionCompact(layout: .nchw, size: 300))
                == "input contract: resizing: the Custom Vision crop takes at most 256×256 from its 256-pixel square, not 300×300")
        var contract = InputContract.autoMLImageClassification
        contract.std = [1, 0, 1]
        #expect(problem(contract) == "input contract: std: values must be finite and non-zero, got [1.0, 0.0, 1.0]")
        contract = .autoMLImageClassification
        contract.resizing = .resizeThenCenterCrop(resize: 200, filter: .bicubic)
        #expect(problem(contract) == "input contract: resizing: resize 200 must be at least the crop 224×224")
        contract = .autoMLImageClassification
        contract.mean = [0.5]
        #expect(problem(contract) == "input contract: mean: needs 3 values, got 1")
    }

    @Test func elementCount_isBatchOneTensor() {
        #expect(Preprocessor(contract: .customVisionCompact(layout: .nchw)).elementCount == 3 * 227 * 227)
        #expect(Preprocessor(contract: .autoMLImageClassification).elementCount == 3 * 224 * 224)
    }
}
