import VigilConnectors
import XCTest

final class LEDIconTests: XCTestCase {
    private let palette: [Character: LEDColor] = ["K": LEDColor(red: 0, green: 128, blue: 0)]
    private let kiwi = ["..KKKK..", ".KKKKKK.", "KKKKKKKK", "KKKKKKKK", "KKKKKKKK", "KKKKKKKK", ".KKKKKK.", "..KKKK.."]

    private func assertInvalid(_ rows: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try LEDIcon.parse(rows: rows, palette: palette, tag: "kiwi"), file: file, line: line) { error in
            XCTAssertEqual(error as? DisplayError, .invalidIcon, file: file, line: line)
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    func testParse_validIcon() throws {
        let icon = try LEDIcon.parse(rows: kiwi, palette: palette, tag: "kiwi")
        XCTAssertEqual(icon.matrix[0, 0], .off)
        XCTAssertEqual(icon.matrix[0, 2], LEDColor(red: 0, green: 128, blue: 0))
        XCTAssertEqual(icon.matrix.pixels.filter { !$0.isOff }.count, 4 + 6 + 8 * 4 + 6 + 4)
    }

    func testParse_badCharacter_namesTagRowColumn() {
        var rows = kiwi
        rows[2] = "KKKKxKKK"
        assertInvalid(rows, "icon for tag 'kiwi': row 3, column 5: 'x' is not in the palette (. K)")
    }

    func testParse_wrongRowLength_namesRow() {
        var rows = kiwi
        rows[1] = ".KKKKKKK."
        assertInvalid(rows, #"icon for tag 'kiwi': row 2 has 9 characters, needs 8: ".KKKKKKK.""#)
    }

    func testParse_wrongRowCount() {
        assertInvalid(Array(kiwi.prefix(7)), "icon for tag 'kiwi': has 7 rows, needs 8")
    }

    func testParse_paletteMayRecolourDot() throws {
        let icon = try LEDIcon.parse(rows: Array(repeating: "........", count: 8), palette: [".": LEDColor(red: 9, green: 9, blue: 9)], tag: "grey")
        XCTAssertEqual(icon.matrix, LEDMatrix(filledWith: LEDColor(red: 9, green: 9, blue: 9)))
    }

    func testHexColour_parses() {
        XCTAssertEqual(LEDColor(hex: "#FFA500"), LEDColor(red: 255, green: 165, blue: 0))
        XCTAssertEqual(LEDColor(hex: "00ff7f"), LEDColor(red: 0, green: 255, blue: 127))
        XCTAssertNil(LEDColor(hex: "#FFA50"))
        XCTAssertNil(LEDColor(hex: "#GGGGGG"))
    }

    func testIcons_lookupIgnoresCase() {
        XCTAssertEqual(DisplayIcons.seed.icon(forTag: "BANANA"), DisplayIcons.seed.icon(forTag: "banana"))
        XCTAssertNotNil(DisplayIcons.seed.icon(forTag: "Raspberry"))
    }

    func testIcons_containedName_asSeed_unlessDisabled() {
        var icons = DisplayIcons.seed
        XCTAssertEqual(icons.icon(forTag: "Green Apple"), icons.icon(forTag: "apple"))
        icons.matchesContainedNames = false
        XCTAssertNil(icons.icon(forTag: "Green Apple"))
    }

    func testIcons_customIconWinsOverBuiltIn() throws {
        var icons = DisplayIcons.seed
        let custom = try LEDIcon.parse(rows: kiwi, palette: palette, tag: "Pineapple")
        icons.set(custom, forTag: "Pineapple")
        XCTAssertEqual(icons.icon(forTag: "pineapple"), custom, "exact match, not the apple it contains")
        icons.set(custom, forTag: "APPLE")
        XCTAssertEqual(icons.icon(forTag: "apple"), custom)
        XCTAssertEqual(icons.entries.count, 6)
    }

    func testIcons_noTag_isBlank_unknownTag_isColourBlock() {
        XCTAssertEqual(DisplayIcons.seed.matrix(for: .nothing), .blank)
        let block = DisplayIcons.seed.matrix(for: DisplayDecision(tagName: "Pear", probability: 0.9))
        XCTAssertEqual(block, LEDMatrix(filledWith: LEDColor(red: 183, green: 255, blue: 0)))
        XCTAssertEqual(block, DisplayIcons.colourBlock(forTag: "pear"), "colour ignores case")
    }
}
