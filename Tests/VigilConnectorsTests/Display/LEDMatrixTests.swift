import VigilConnectors
import XCTest

final class LEDMatrixTests: XCTestCase {
    private var numbered: LEDMatrix {
        LEDMatrix(pixels: (0..<64).map { LEDColor(red: UInt8($0), green: 0, blue: 0) })
    }

    func testRGB565_packsAsSenseHatLibrary() {
        XCTAssertEqual(LEDColor(red: 255, green: 165, blue: 0).rgb565, 0b11111_101001_00000)
        XCTAssertEqual(LEDColor(red: 7, green: 3, blue: 7).rgb565, 0)
        let bytes = LEDMatrix(filledWith: LEDColor(red: 0, green: 255, blue: 0)).rgb565Bytes()
        XCTAssertEqual(bytes.count, 128)
        XCTAssertEqual(Array(bytes.prefix(2)), [0xE0, 0x07], "little-endian")
    }

    func testRotation_90_movesTopRowToRightColumn() {
        let rotated = numbered.rotated(by: .degrees90)
        for column in 0..<8 {
            XCTAssertEqual(rotated[column, 7], numbered[0, column])
        }
        XCTAssertEqual(rotated[0, 0], numbered[7, 0])
    }

    func testRotation_fourQuarterTurns_isIdentity() {
        var matrix = numbered
        for _ in 0..<4 { matrix = matrix.rotated(by: .degrees90) }
        XCTAssertEqual(matrix, numbered)
        XCTAssertEqual(numbered.rotated(by: .degrees90).rotated(by: .degrees180), numbered.rotated(by: .degrees270))
    }

    func testRotation_onlyQuarterTurns() {
        XCTAssertNil(LEDRotation(degrees: 45))
        XCTAssertEqual(LEDRotation(degrees: 270), .degrees270)
    }

    func testScaled_halvesAndClamps() {
        let white = LEDMatrix(filledWith: LEDColor(red: 255, green: 255, blue: 255))
        XCTAssertEqual(white.scaled(brightness: 0.5)[3, 3], LEDColor(red: 128, green: 128, blue: 128))
        XCTAssertEqual(white.scaled(brightness: 2), white)
        XCTAssertTrue(white.scaled(brightness: -1).isBlank)
    }
}
