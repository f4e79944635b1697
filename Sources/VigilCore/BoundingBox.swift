/// A box in normalised image coordinates (0..1 of width and height), as Custom Vision reports it.
public struct BoundingBox: Sendable, Hashable, Codable {
    public var left: Double
    public var top: Double
    public var width: Double
    public var height: Double

    public init(left: Double, top: Double, width: Double, height: Double) {
        self.left = left; self.top = top; self.width = width; self.height = height
    }

    public var area: Double { max(0, width) * max(0, height) }

    /// Intersection over union with another box (0 when either is empty).
    public func iou(_ other: BoundingBox) -> Double {
        let x0 = max(left, other.left), y0 = max(top, other.top)
        let x1 = min(left + width, other.left + other.width), y1 = min(top + height, other.top + other.height)
        let intersection = max(0, x1 - x0) * max(0, y1 - y0)
        let union = area + other.area - intersection
        return union > 0 ? intersection / union : 0
    }
}
