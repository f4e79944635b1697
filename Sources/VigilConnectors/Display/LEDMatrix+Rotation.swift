/// How the Sense HAT is mounted, in degrees, as the `sense_hat` library's `set_rotation` takes it.
///
/// 0 is with the Pi's HDMI port facing down. A rotation of 90 turns the image a quarter turn
/// clockwise on the LEDs, so it reads upright when the Pi is turned a quarter turn anticlockwise.
public enum LEDRotation: Int, Sendable, Hashable, CaseIterable {
    case degrees0 = 0
    case degrees90 = 90
    case degrees180 = 180
    case degrees270 = 270

    /// The rotation for 0, 90, 180 or 270 degrees; nil for any other angle.
    public init?(degrees: Int) {
        self.init(rawValue: degrees)
    }
}

extension LEDMatrix {
    /// The matrix as the framebuffer must hold it to appear upright with the HAT at `rotation`.
    ///
    /// The `sense_hat` library writes logical pixel (row, column) at framebuffer index
    /// `numpy.rot90(identity, k)[row][column]` with k = degrees / 90; `rot90` turns the index map
    /// anticlockwise, which moves the image clockwise: at 90, logical (r, c) lands at (c, 7 − r).
    public func rotated(by rotation: LEDRotation) -> LEDMatrix {
        let last = Self.side - 1
        var out = self
        for row in 0..<Self.side {
            for column in 0..<Self.side {
                let (r, c): (Int, Int)
                switch rotation {
                case .degrees0: (r, c) = (row, column)
                case .degrees90: (r, c) = (column, last - row)
                case .degrees180: (r, c) = (last - row, last - column)
                case .degrees270: (r, c) = (last - column, row)
                }
                out[r, c] = self[row, column]
            }
        }
        return out
    }
}
