extension DisplayIcons {
    /// The solid matrix shown for a tag that has no icon: every LED `colour(forTag:)`.
    public static func colourBlock(forTag tag: String) -> LEDMatrix {
        LEDMatrix(filledWith: colour(forTag: tag))
    }

    /// A bright colour that is the same for a tag on every run and every machine.
    ///
    /// hue = FNV-1a-32 of the UTF-8 bytes of `tag.lowercased()` (offset basis 2166136261,
    /// prime 16777619), modulo 360; the colour is that hue at full saturation and value, in integer
    /// steps: within each 60° sector the rising channel is `(hue % 60) * 255 / 60` (rounded down)
    /// and the falling one 255 minus that. `scripts/make-display-goldens.py` computes the same.
    public static func colour(forTag tag: String) -> LEDColor {
        let hue = Int(fnv1a32(Array(tag.lowercased().utf8)) % 360)
        let rising = UInt8((hue % 60) * 255 / 60)
        let falling = 255 - rising
        switch hue / 60 {
        case 0: return LEDColor(red: 255, green: rising, blue: 0)
        case 1: return LEDColor(red: falling, green: 255, blue: 0)
        case 2: return LEDColor(red: 0, green: 255, blue: rising)
        case 3: return LEDColor(red: 0, green: falling, blue: 255)
        case 4: return LEDColor(red: rising, green: 0, blue: 255)
        default: return LEDColor(red: 255, green: 0, blue: falling)
        }
    }

    /// The 32-bit FNV-1a hash (http://www.isthe.com/chongo/tech/comp/fnv/).
    static func fnv1a32(_ bytes: [UInt8]) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }
}
