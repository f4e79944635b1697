extension DisplayIcons {
    /// The seed's five fruit icons, pixel for pixel.
    ///
    /// Transcribed from the seed's `modules/SenseHatDisplay/app/DisplayManager.py`
    /// (Azure-Samples/Custom-vision-service-iot-edge-raspberry-pi), in its `displayImage` order
    /// (apple, raspberry, banana, orange, lemon), which decides contained-name matches, and with
    /// its `Colors` values.
    public static let seed = DisplayIcons(entries: [
        Entry(name: "apple", icon: seedIcon("apple", [
            "....YY..",
            "...YY...",
            "..GGGG..",
            ".GGGGGG.",
            ".GGGGGG.",
            ".GGGGGG.",
            ".GGGGGG.",
            "..GGGG..",
        ])),
        Entry(name: "raspberry", icon: seedIcon("raspberry", [
            ".GG..GG.",
            "..GGGG..",
            "..RRRR..",
            ".RRRRRR.",
            "RRRRRRRR",
            "RRRRRRRR",
            ".RRRRRR.",
            "..RRRR..",
        ])),
        Entry(name: "banana", icon: seedIcon("banana", [
            "..YY....",
            ".YYY....",
            "YYY.....",
            "YYY.....",
            ".YYY....",
            "..YYY...",
            "...YYYY.",
            ".....YYY",
        ])),
        Entry(name: "orange", icon: seedIcon("orange", [
            "...OO...",
            ".OOOOOO.",
            ".OOOOOO.",
            "OOOOOOOO",
            "OOOOOOOO",
            ".OOOOOO.",
            ".OOOOOO.",
            "...OO...",
        ])),
        Entry(name: "lemon", icon: seedIcon("lemon", [
            "........",
            "...YY...",
            "..YYYY..",
            "YYYYYYYY",
            "YYYYYYYY",
            ".YYYYYY.",
            "..YYYY..",
            "...YY...",
        ])),
    ])

    /// The seed's palette (`Colors` in DisplayManager.py).
    public static let seedPalette: [Character: LEDColor] = [
        "G": LEDColor(red: 0, green: 255, blue: 0),
        "Y": LEDColor(red: 255, green: 255, blue: 0),
        "R": LEDColor(red: 255, green: 0, blue: 0),
        "O": LEDColor(red: 255, green: 165, blue: 0),
        "B": LEDColor(red: 0, green: 0, blue: 255),
        "W": LEDColor(red: 255, green: 255, blue: 255),
        "P": LEDColor(red: 255, green: 105, blue: 180),
    ]

    private static func seedIcon(_ tag: String, _ rows: [String]) -> LEDIcon {
        do {
            return try LEDIcon.parse(rows: rows, palette: seedPalette, tag: tag)
        } catch {
            preconditionFailure("built-in icon is invalid: \(error)")
        }
    }
}
