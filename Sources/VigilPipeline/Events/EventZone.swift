import VigilCore

/// A named area of the picture, as a polygon in normalised coordinates (0...1 of width and height,
/// origin top-left); a detection is in the zone when its box's bottom-centre is.
///
/// The bottom-centre is where a person or car touches the ground, so a zone drawn on the floor
/// catches what stands on it and not what merely overlaps it in the picture. Containment follows
/// the even-odd rule, so self-intersecting polygons work as their drawing suggests; a polygon of
/// fewer than three points contains nothing.
public struct EventZone: Sendable, Hashable {
    /// A corner of the polygon, normalised 0...1.
    public struct Point: Sendable, Hashable {
        public var x: Double
        public var y: Double
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    /// Unique name within the camera; reported in the event's `zones`.
    public var name: String
    /// Corners in drawing order; the last connects back to the first.
    public var points: [Point]

    public init(name: String, points: [Point]) {
        self.name = name
        self.points = points
    }

    /// Whether the point is inside the polygon (even-odd rule; a ray cast to the right).
    public func contains(_ point: Point) -> Bool {
        guard points.count >= 3 else { return false }
        var inside = false
        var j = points.count - 1
        for i in points.indices {
            let a = points[i], b = points[j]
            if (a.y > point.y) != (b.y > point.y) {
                let crossing = (b.x - a.x) * (point.y - a.y) / (b.y - a.y) + a.x
                if point.x < crossing { inside.toggle() }
            }
            j = i
        }
        return inside
    }

    /// Whether the box's bottom-centre is inside the zone.
    ///
    /// The point is first clamped into the frame, just above its bottom edge, so a box that
    /// touches the bottom of the picture still counts in a zone drawn down to that edge.
    public func contains(bottomCentreOf box: BoundingBox) -> Bool {
        contains(Self.bottomCentre(of: box))
    }

    /// The middle of the box's bottom edge, clamped into `[0, 1)` on both axes.
    public static func bottomCentre(of box: BoundingBox) -> Point {
        let below1 = Double(1).nextDown
        return Point(x: min(max(box.left + box.width / 2, 0), below1), y: min(max(box.top + box.height, 0), below1))
    }
}
