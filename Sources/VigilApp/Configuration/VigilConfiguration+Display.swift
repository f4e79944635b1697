import VigilConnectors

extension VigilConfiguration {
    mutating func readDisplay(_ section: ConfigSection) throws {
        if let terminal = try section.bool("terminal") { display.terminal = terminal }
        if let senseHat = section.string("sense_hat"), !senseHat.isEmpty, senseHat != "off" { display.senseHat = senseHat }
        if let lowLight = try section.bool("low_light") { display.lowLight = lowLight }
        if let threshold = try section.double("threshold", atLeast: 0) {
            guard threshold <= 1 else { throw section.fail("threshold", "\(threshold) is above 1") }
            display.threshold = threshold
        }
        display.camera = section.string("camera")
        if let degrees = try section.int("rotation") {
            guard let rotation = LEDRotation(degrees: degrees) else { throw section.fail("rotation", "\(degrees) is not 0, 90, 180 or 270") }
            display.rotation = rotation
        }
        for (tag, icon) in section.entries("icons") {
            let rows = try icon.stringList("rows") ?? []
            var palette: [Character: LEDColor] = [:]
            for (key, value) in try icon.stringMap("palette") ?? [:] {
                guard key.count == 1, let character = key.first else { throw icon.fail("palette", "'\(key)' must be one character") }
                guard let colour = LEDColor(hex: value) else { throw icon.fail("palette", "'\(value)' for '\(key)' is not #rrggbb") }
                palette[character] = colour
            }
            do {
                display.icons.set(try LEDIcon.parse(rows: rows, palette: palette, tag: tag), forTag: tag)
            } catch {
                throw icon.fail("rows", "\(error)")
            }
        }
    }
}
