import Foundation
import VigilCore
import VigilImage

/// Draws a scored frame's detections (box and `tag 93%`) onto its picture, as the seed's
/// SHOW_VIDEO page shows them; classification results become one label in the top-left corner.
public enum FrameAnnotator {
    /// Lowest probability drawn.
    public static let defaultThreshold = 0.5

    public static func annotate(_ image: inout RGBImage, predictions: [Prediction], threshold: Double = defaultThreshold) {
        let shown = predictions.filter { $0.probability >= threshold }
        let scale = max(1, image.width / 320)
        var classificationLine = 0
        for prediction in shown {
            let text = "\(prediction.tagName) \(Int((prediction.probability * 100).rounded()))%"
            let color = colour(for: prediction.tagName)
            if let box = prediction.boundingBox {
                let x = Int((box.left * Double(image.width)).rounded())
                let y = Int((box.top * Double(image.height)).rounded())
                let w = Int((box.width * Double(image.width)).rounded())
                let h = Int((box.height * Double(image.height)).rounded())
                image.stroke(x: x, y: y, width: w, height: h, thickness: 2 * scale, color: color)
                image.label(text, x: x, y: max(0, y - 9 * scale), scale: scale, background: color)
            } else {
                image.label(text, x: 4, y: 4 + classificationLine * 10 * scale, scale: scale, background: color)
                classificationLine += 1
            }
        }
    }

    /// A bright colour fixed per tag (FNV-1a of its name picks one of eight).
    static func colour(for tag: String) -> (UInt8, UInt8, UInt8) {
        let palette: [(UInt8, UInt8, UInt8)] = [(255, 64, 64), (64, 220, 64), (64, 160, 255), (255, 200, 0),
                                                (255, 96, 255), (0, 230, 230), (255, 140, 0), (180, 130, 255)]
        var hash: UInt32 = 2_166_136_261
        for byte in tag.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return palette[Int(hash % UInt32(palette.count))]
    }
}
