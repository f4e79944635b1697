/// One LED's colour as 8-bit red, green and blue.
///
/// The Sense HAT keeps only 5/6/5 bits of each channel (see `rgb565`), so nearby colours may
/// look the same on the device; the terminal renderer shows the full 8 bits.
public struct LEDColor: Sendable, Hashable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// All channels zero: the LED is dark.
    public static let off = LEDColor(red: 0, green: 0, blue: 0)

    /// True when the LED is dark.
    public var isOff: Bool { self == .off }

    /// The pixel as the Sense HAT framebuffer stores it: `r>>3 << 11 | g>>2 << 5 | b>>3`.
    ///
    /// This is `_pack_bin` of the `sense_hat` Python library; the framebuffer holds it
    /// little-endian (see `LEDMatrix.rgb565Bytes()`).
    public var rgb565: UInt16 {
        UInt16(red >> 3) << 11 | UInt16(green >> 2) << 5 | UInt16(blue >> 3)
    }

    /// Parses `#RRGGBB` or `RRGGBB` (hex digits in either case), as icon palettes in YAML give them.
    public init?(hex text: String) {
        var digits = Substring(text)
        if digits.hasPrefix("#") { digits = digits.dropFirst() }
        guard digits.count == 6, digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16) else {
            return nil
        }
        self.init(red: UInt8(value >> 16 & 0xFF), green: UInt8(value >> 8 & 0xFF), blue: UInt8(value & 0xFF))
    }
}
