import Foundation
import Testing
import VigilCore
import VigilImage
import VigilTestSupport
@testable import VigilVision

/// The AutoML YOLO letterbox resizes as `cv2.resize(..., INTER_LINEAR)`; goldens come from cv2
/// itself (scripts/make-opencv-resize-goldens.py, opencv-python-headless from PyPI).
@Suite struct OpenCVResizeGoldenTests {
    static let folder = SharedAssets.packageRoot.appendingPathComponent("Tests/Goldens/opencv-resize")

    static func image(_ name: String) throws -> RGBImage {
        let array = try NumpyArray.read(contentsOf: folder.appendingPathComponent("\(name).npy"))
        #expect(array.shape.count == 3 && array.shape[2] == 3)
        return RGBImage(width: array.shape[1], height: array.shape[0], pixels: array.floats.map { UInt8($0) })
    }

    @Test(arguments: ["down-48x36", "up-150x113", "odd-61x29"])
    func resize_matchesOpenCVExactly(_ name: String) throws {
        let input = try Self.image("input")
        let expected = try Self.image(name)
        let resized = OpenCVLinearResize.resize(input, width: expected.width, height: expected.height)
        let differences = zip(resized.pixels, expected.pixels).filter { $0 != $1 }.count
        let largest = zip(resized.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(differences == 0, "\(differences) of \(expected.pixels.count) samples differ from cv2 (largest by \(largest))")
    }
}
