import Foundation
import Testing
import VigilCore
import VigilImage
import VigilTestSupport
import VigilVision

/// Every sample of every real Custom Vision export must reproduce the seed's input tensor
/// (`reference/<sample>.input.npy`, made by shared/tools/cv_preprocess.py) bit for bit.
@Suite struct CustomVisionReferenceTests {
    /// Export folder, tensor layout of that export, number of samples it ships.
    static let exports: [(folder: String, layout: TensorLayout, samples: Int)] = [
        ("cv-onnx-cat-or-dog", .nchw, 6),
        ("cv-onnx-cheesecake-donuts-fries", .nchw, 10),
        ("cv-onnx-plankton", .nchw, 10),
        ("cv-tf-apples-bananas", .nhwc, 25),
        ("cv-tf-fruits4", .nhwc, 10),
        ("cv-tf-fruits7-android", .nhwc, 10),
        ("cv-tflite-fruits7-android", .nhwc, 10),
    ]

    @Test(arguments: exports.map(\.folder))
    func customVisionCenterCrop_matchesSeedTensorsBitForBit(folder: String) throws {
        guard let models = SharedAssets.models else {
            print(SharedAssets.missingMessage)
            return
        }
        let export = try #require(Self.exports.first { $0.folder == folder })
        let root = models.appendingPathComponent("customvision").appendingPathComponent(folder)
        let samples = SharedAssets.files(in: root.appendingPathComponent("samples"))
        #expect(samples.count == export.samples, "\(folder): expected \(export.samples) samples")

        let preprocessor = Preprocessor(contract: .customVisionCompact(layout: export.layout))
        let expectedShape = export.layout == .nchw ? [1, 3, 227, 227] : [1, 227, 227, 3]
        var worst: Float = 0
        var inexact: [String] = []
        for sample in samples {
            let name = sample.lastPathComponent
            let decoded = try ImageDecoder.decode(try Data(contentsOf: sample), name: name)
            let actual = preprocessor.run(decoded)
            let reference = try NumpyArray.read(contentsOf: root.appendingPathComponent("reference/\(name).input.npy"))
            #expect(reference.shape == expectedShape, "\(name): reference shape \(reference.shape)")
            let expected = reference.floats
            guard actual.count == expected.count else {
                Issue.record("\(name): \(actual.count) floats, reference has \(expected.count)")
                continue
            }
            let differing = zip(actual, expected).filter { $0.bitPattern != $1.bitPattern }.count
            if differing > 0 {
                let diff = maxAbsDiff(actual, expected)
                worst = max(worst, diff)
                inexact.append("\(name) (\(differing) values, max |Δ| \(diff))")
            }
        }
        print("\(folder): \(samples.count - inexact.count)/\(samples.count) samples bit-exact, max |Δ| \(worst)")
        #expect(inexact.isEmpty, "\(folder): not bit-exact: \(inexact.joined(separator: "; "))")
    }
}
