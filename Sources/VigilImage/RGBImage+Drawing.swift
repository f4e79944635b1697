/// Simple overlays for annotated frames: rectangles and short labels in a 5×7 bitmap font.
extension RGBImage {
    /// Fills the rectangle (clipped to the image) with `color`.
    public mutating func fill(x: Int, y: Int, width: Int, height: Int, color: (UInt8, UInt8, UInt8)) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(self.width, x + width), y1 = min(self.height, y + height)
        guard x0 < x1, y0 < y1 else { return }
        let rowWidth = self.width
        pixels.withUnsafeMutableBufferPointer { pixels in
            for row in y0..<y1 {
                var i = (row * rowWidth + x0) * 3
                for _ in x0..<x1 {
                    pixels[i] = color.0; pixels[i + 1] = color.1; pixels[i + 2] = color.2
                    i += 3
                }
            }
        }
    }

    /// Draws the outline of a rectangle `thickness` pixels wide, inside its bounds.
    public mutating func stroke(x: Int, y: Int, width: Int, height: Int, thickness: Int = 2, color: (UInt8, UInt8, UInt8)) {
        let t = max(1, min(thickness, width / 2, height / 2))
        fill(x: x, y: y, width: width, height: t, color: color)
        fill(x: x, y: y + height - t, width: width, height: t, color: color)
        fill(x: x, y: y, width: t, height: height, color: color)
        fill(x: x + width - t, y: y, width: t, height: height, color: color)
    }

    /// Writes `text` (ASCII; lower case drawn as upper case, unknown characters as blanks) with its
    /// top-left corner at (x, y) on a filled background, each font pixel `scale` pixels wide.
    public mutating func label(_ text: String, x: Int, y: Int, scale: Int = 2,
                               color: (UInt8, UInt8, UInt8) = (0, 0, 0), background: (UInt8, UInt8, UInt8)) {
        let glyphs = Array(text.uppercased().unicodeScalars)
        let advance = 6 * scale
        fill(x: x, y: y, width: glyphs.count * advance + scale, height: 9 * scale, color: background)
        for (index, scalar) in glyphs.enumerated() {
            guard let rows = BitmapFont.glyphs[Character(scalar)] else { continue }
            for (row, bits) in rows.enumerated() {
                for column in 0..<5 where bits & (0b10000 >> column) != 0 {
                    fill(x: x + scale + index * advance + column * scale, y: y + scale + row * scale,
                         width: scale, height: scale, color: color)
                }
            }
        }
    }
}

/// A 5×7 pixel font: each glyph is 7 rows, the top bit of 5 being the leftmost pixel.
enum BitmapFont {
    static let glyphs: [Character: [UInt8]] = [
        "A": [14, 17, 17, 31, 17, 17, 17], "B": [30, 17, 17, 30, 17, 17, 30], "C": [14, 17, 16, 16, 16, 17, 14],
        "D": [30, 17, 17, 17, 17, 17, 30], "E": [31, 16, 16, 30, 16, 16, 31], "F": [31, 16, 16, 30, 16, 16, 16],
        "G": [14, 17, 16, 23, 17, 17, 15], "H": [17, 17, 17, 31, 17, 17, 17], "I": [14, 4, 4, 4, 4, 4, 14],
        "J": [7, 2, 2, 2, 2, 18, 12], "K": [17, 18, 20, 24, 20, 18, 17], "L": [16, 16, 16, 16, 16, 16, 31],
        "M": [17, 27, 21, 21, 17, 17, 17], "N": [17, 17, 25, 21, 19, 17, 17], "O": [14, 17, 17, 17, 17, 17, 14],
        "P": [30, 17, 17, 30, 16, 16, 16], "Q": [14, 17, 17, 17, 21, 18, 13], "R": [30, 17, 17, 30, 20, 18, 17],
        "S": [15, 16, 16, 14, 1, 1, 30], "T": [31, 4, 4, 4, 4, 4, 4], "U": [17, 17, 17, 17, 17, 17, 14],
        "V": [17, 17, 17, 17, 17, 10, 4], "W": [17, 17, 17, 21, 21, 21, 10], "X": [17, 17, 10, 4, 10, 17, 17],
        "Y": [17, 17, 17, 10, 4, 4, 4], "Z": [31, 1, 2, 4, 8, 16, 31],
        "0": [14, 17, 19, 21, 25, 17, 14], "1": [4, 12, 4, 4, 4, 4, 14], "2": [14, 17, 1, 2, 4, 8, 31],
        "3": [31, 2, 4, 2, 1, 17, 14], "4": [2, 6, 10, 18, 31, 2, 2], "5": [31, 16, 30, 1, 1, 17, 14],
        "6": [6, 8, 16, 30, 17, 17, 14], "7": [31, 1, 2, 4, 8, 8, 8], "8": [14, 17, 17, 14, 17, 17, 14],
        "9": [14, 17, 17, 15, 1, 2, 12],
        ".": [0, 0, 0, 0, 0, 12, 12], "%": [24, 25, 2, 4, 8, 19, 3], "-": [0, 0, 0, 31, 0, 0, 0],
        "_": [0, 0, 0, 0, 0, 0, 31], ":": [0, 12, 12, 0, 12, 12, 0], "/": [0, 1, 2, 4, 8, 16, 0],
        " ": [0, 0, 0, 0, 0, 0, 0],
    ]
}
