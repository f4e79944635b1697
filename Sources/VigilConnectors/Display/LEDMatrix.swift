/// The 8×8 LEDs of a Sense HAT as RGB colours, row-major from the top-left.
///
/// A value type: build one from an icon, rotate or dim it, then hand it to a `Display`.
/// Row 0 is the top row and column 0 the left column when the Pi's HDMI port faces down
/// (rotation 0 of the `sense_hat` library).
public struct LEDMatrix: Sendable, Hashable {
    /// LEDs per side.
    public static let side = 8
    /// LEDs in all.
    public static let count = side * side

    /// The 64 colours, row-major: index `row * 8 + column`.
    public private(set) var pixels: [LEDColor]

    /// A matrix from 64 row-major colours.
    public init(pixels: [LEDColor]) {
        precondition(pixels.count == Self.count, "an LED matrix has 64 pixels, got \(pixels.count)")
        self.pixels = pixels
    }

    /// Every LED the same colour.
    public init(filledWith colour: LEDColor) {
        self.pixels = Array(repeating: colour, count: Self.count)
    }

    /// Every LED off.
    public static let blank = LEDMatrix(filledWith: .off)

    /// True when every LED is off.
    public var isBlank: Bool { pixels.allSatisfy(\.isOff) }

    /// The LED at `row` (0 = top) and `column` (0 = left).
    public subscript(row: Int, column: Int) -> LEDColor {
        get { pixels[Self.index(row, column)] }
        set { pixels[Self.index(row, column)] = newValue }
    }

    /// The framebuffer contents: 128 bytes, each pixel's `rgb565` little-endian, row-major.
    ///
    /// This is what the `RPi-Sense FB` device expects at offset 0 (the `sense_hat` library
    /// packs each pixel with `struct.pack('H', …)` on a little-endian Pi).
    public func rgb565Bytes() -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(Self.count * 2)
        for pixel in pixels {
            let value = pixel.rgb565
            bytes.append(UInt8(value & 0xFF))
            bytes.append(UInt8(value >> 8))
        }
        return bytes
    }

    /// The matrix with every channel multiplied by `brightness` (clamped to 0...1), rounded.
    ///
    /// A software dimmer for displays without the Sense HAT's low-light gamma table (the
    /// terminal) or to dim further; 1 leaves the matrix unchanged.
    public func scaled(brightness: Double) -> LEDMatrix {
        let factor = min(max(brightness, 0), 1)
        func scale(_ channel: UInt8) -> UInt8 { UInt8((Double(channel) * factor).rounded()) }
        return LEDMatrix(pixels: pixels.map { LEDColor(red: scale($0.red), green: scale($0.green), blue: scale($0.blue)) })
    }

    static func index(_ row: Int, _ column: Int) -> Int {
        precondition((0..<side).contains(row) && (0..<side).contains(column), "LED (\(row), \(column)) is off the 8×8 matrix")
        return row * side + column
    }
}
