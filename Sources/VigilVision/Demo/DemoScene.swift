import Foundation
import VigilCore
import VigilImage

/// Synthetic scenes for Vigil's demo model: a plain grey-ish background with noise and, except
/// for the empty class, one filled shape (circle, square or triangle) of one colour.
///
/// Everything comes from a seeded generator, so a scene is a pure function of its seed.
public struct DemoScene: Sendable {
    /// The demo model's classes, in label order. What it recognises is a shape's colour.
    public enum Subject: Int, CaseIterable, Sendable {
        case red, green, blue, yellow, none

        public var label: String {
            switch self {
            case .red: return "red shape"
            case .green: return "green shape"
            case .blue: return "blue shape"
            case .yellow: return "yellow shape"
            case .none: return "no shape"
            }
        }

        var color: (Double, Double, Double)? {
            switch self {
            case .red: return (215, 45, 40)
            case .green: return (45, 175, 70)
            case .blue: return (40, 75, 215)
            case .yellow: return (230, 205, 45)
            case .none: return nil
            }
        }
    }

    public enum Shape: CaseIterable, Sendable { case circle, square, triangle }

    public var subject: Subject
    public var shape: Shape
    /// Centre and size as fractions of the image height.
    public var centerX: Double
    public var centerY: Double
    public var size: Double
    public var background: Double
    public var seed: UInt64

    /// A random scene of `subject` drawn from `generator`.
    public static func random(_ subject: Subject, using generator: inout SplitMix64) -> DemoScene {
        DemoScene(subject: subject, shape: Shape.allCases[Int(generator.next() % 3)],
                  centerX: 0.3 + generator.unit() * 0.4, centerY: 0.3 + generator.unit() * 0.4,
                  size: 0.3 + generator.unit() * 0.3, background: 80 + generator.unit() * 100, seed: generator.next())
    }

    /// Renders the scene at `width`×`height`.
    public func render(width: Int = 160, height: Int = 120) -> RGBImage {
        var noise = SplitMix64(seed: seed)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let cx = centerX * Double(width), cy = centerY * Double(height), radius = size * Double(height) / 2
        let brightness = 0.85 + noise.unit() * 0.3
        for y in 0..<height {
            for x in 0..<width {
                let px = Double(x) + 0.5, py = Double(y) + 0.5
                var inside = false
                switch shape {
                case .circle: inside = (px - cx) * (px - cx) + (py - cy) * (py - cy) <= radius * radius
                case .square: inside = abs(px - cx) <= radius * 0.9 && abs(py - cy) <= radius * 0.9
                case .triangle:
                    let top = cy - radius, bottom = cy + radius
                    let half = (py - top) / (bottom - top) * radius
                    inside = py >= top && py <= bottom && abs(px - cx) <= half
                }
                let shade = background + Double(y) / Double(height) * 30
                var rgb = (shade, shade, shade * 1.02)
                if inside, let color = subject.color {
                    rgb = (color.0 * brightness, color.1 * brightness, color.2 * brightness)
                }
                let jitter = (noise.unit() - 0.5) * 16
                let i = (y * width + x) * 3
                pixels[i] = UInt8(clamping: Int((rgb.0 + jitter).rounded()))
                pixels[i + 1] = UInt8(clamping: Int((rgb.1 + jitter).rounded()))
                pixels[i + 2] = UInt8(clamping: Int((rgb.2 + jitter).rounded()))
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
