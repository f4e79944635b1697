/// An 8×8 picture for the LED matrix, defined as 8 strings of 8 characters and a palette.
///
/// The text form is what users write in YAML:
///
///     rows: ["....YY..", "...YY...", "..GGGG..", ...]
///     palette: {G: "#00FF00", Y: "#FFFF00"}
///
/// `.` means off unless the palette gives it a colour; every other character must be in the
/// palette.
public struct LEDIcon: Sendable, Hashable {
    /// The picture, upright (rotation is applied by the display).
    public let matrix: LEDMatrix

    /// An icon from a ready matrix.
    public init(matrix: LEDMatrix) {
        self.matrix = matrix
    }

    /// Parses 8 rows of 8 characters against a palette.
    ///
    /// - Parameter tag: the tag the icon is for; only used to name it in errors.
    /// - Throws: `DisplayError.invalidIcon` naming the tag and, for a bad character, its row and
    ///   column (both counted from 1, as a person reading the YAML would count).
    public static func parse(rows: [String], palette: [Character: LEDColor], tag: String) throws -> LEDIcon {
        guard rows.count == LEDMatrix.side else {
            throw DisplayError.invalidIcon(tag: tag, "has \(rows.count) rows, needs \(LEDMatrix.side)")
        }
        var palette = palette
        if palette["."] == nil { palette["."] = .off }
        var matrix = LEDMatrix.blank
        for (r, row) in rows.enumerated() {
            let characters = Array(row)
            guard characters.count == LEDMatrix.side else {
                throw DisplayError.invalidIcon(
                    tag: tag, "row \(r + 1) has \(characters.count) characters, needs \(LEDMatrix.side): \"\(row)\"")
            }
            for (c, character) in characters.enumerated() {
                guard let colour = palette[character] else {
                    let known = palette.keys.map(String.init).sorted().joined(separator: " ")
                    throw DisplayError.invalidIcon(
                        tag: tag, "row \(r + 1), column \(c + 1): '\(character)' is not in the palette (\(known))")
                }
                matrix[r, c] = colour
            }
        }
        return LEDIcon(matrix: matrix)
    }
}
