import Foundation
import VigilCore

/// Decodes a Custom Vision YOLOv2 grid into detections, as the export's own `object_detection.py`
/// does: for each cell (r, c) and anchor a, in double precision,
///
///     x = (σ(tx) + c) / W     y = (σ(ty) + r) / H
///     w = e^tw · anchorW / W  h = e^th · anchorH / H
///     p[k] = softmax(class logits)[k] · σ(objectness)
///
/// then candidates with p > threshold, sorted by p (ties by flat index), greedy per-class NMS on the
/// unclipped boxes (IoU > nmsThreshold suppresses), at most `maxDetections`, boxes clipped to 0..1.
/// See shared/models/README.md §7.
public struct YoloDecoder: Sendable {
    public let settings: YoloSettings
    public let labels: [String]

    public init(settings: YoloSettings, labels: [String]) {
        self.settings = settings
        self.labels = labels
    }

    struct Candidate {
        var probability: Double
        var flatIndex: Int
        var classIndex: Int
        var x0: Double, y0: Double, x1: Double, y1: Double
    }

    /// grid: the raw output, [1, A·(5+C), H, W] or (channelsLast) [1, H, W, A·(5+C)].
    public func decode(_ grid: UnsafeBufferPointer<Float>, shape: [Int]) -> [Prediction] {
        let classes = labels.count, anchors = settings.anchors.count
        let (height, width) = settings.channelsLast ? (shape[1], shape[2]) : (shape[2], shape[3])
        let plane = height * width
        func value(_ channel: Int, _ row: Int, _ column: Int) -> Double {
            settings.channelsLast
                ? Double(grid[(row * width + column) * anchors * (5 + classes) + channel])
                : Double(grid[channel * plane + row * width + column])
        }
        func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }

        var candidates: [Candidate] = []
        var logits = [Double](repeating: 0, count: classes)
        for row in 0..<height {
            for column in 0..<width {
                for anchor in 0..<anchors {
                    let base = anchor * (5 + classes)
                    let objectness = sigmoid(value(base + 4, row, column))
                    var peak = -Double.infinity
                    for k in 0..<classes { logits[k] = value(base + 5 + k, row, column); peak = max(peak, logits[k]) }
                    var sum = 0.0
                    for k in 0..<classes { logits[k] = exp(logits[k] - peak); sum += logits[k] }
                    let x = (sigmoid(value(base, row, column)) + Double(column)) / Double(width)
                    let y = (sigmoid(value(base + 1, row, column)) + Double(row)) / Double(height)
                    let w = exp(value(base + 2, row, column)) * settings.anchors[anchor].0 / Double(width)
                    let h = exp(value(base + 3, row, column)) * settings.anchors[anchor].1 / Double(height)
                    for k in 0..<classes {
                        let p = logits[k] / sum * objectness
                        guard p > settings.probabilityThreshold else { continue }
                        candidates.append(Candidate(probability: p, flatIndex: ((row * width + column) * anchors + anchor) * classes + k,
                                                    classIndex: k, x0: x - w / 2, y0: y - h / 2, x1: x + w / 2, y1: y + h / 2))
                    }
                }
            }
        }
        candidates.sort { $0.probability != $1.probability ? $0.probability > $1.probability : $0.flatIndex < $1.flatIndex }
        var kept: [Candidate] = []
        for candidate in candidates {
            if kept.count >= settings.maxDetections { break }
            let suppressed = kept.contains { other in
                other.classIndex == candidate.classIndex && Self.iou(other, candidate) > settings.nmsThreshold
            }
            if !suppressed { kept.append(candidate) }
        }
        return kept.map { c in
            let left = min(max(c.x0, 0), 1), top = min(max(c.y0, 0), 1)
            let right = min(max(c.x1, 0), 1), bottom = min(max(c.y1, 0), 1)
            let box = BoundingBox(left: SeedRounding.round8(left), top: SeedRounding.round8(top),
                                  width: SeedRounding.round8(right - left), height: SeedRounding.round8(bottom - top))
            return Prediction(probability: SeedRounding.round8(c.probability), tagId: .index(c.classIndex),
                              tagName: labels[c.classIndex], boundingBox: box)
        }
    }

    static func iou(_ a: Candidate, _ b: Candidate) -> Double {
        let ix = max(0, min(a.x1, b.x1) - max(a.x0, b.x0))
        let iy = max(0, min(a.y1, b.y1) - max(a.y0, b.y0))
        let intersection = ix * iy
        let union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - intersection
        return union > 0 ? intersection / union : 0
    }
}
