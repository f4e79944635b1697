import Foundation
import VigilConnectors
import VigilCore
import XCTest

/// Payload → decision → matrix → framebuffer file, against bytes from scripts/make-display-goldens.py.
final class FramebufferGoldenTests: XCTestCase {
    func testFramebuffer_appleObject() throws { try check("apple") }
    func testFramebuffer_bananaInJSONStringLiteral() throws { try check("banana") }
    func testFramebuffer_tagWithoutIconIsColourBlock() throws { try check("pear-colour-block") }
    func testFramebuffer_belowThresholdIsBlank() throws { try check("below-threshold") }
    func testFramebuffer_rotation90() throws { try check("apple-rotation90") }
    func testFramebuffer_containedNameRotation270() throws { try check("green-apple-rotation270") }

    func testGoldens_everyScriptCaseIsTested() throws {
        let tested: Set = ["apple", "banana", "pear-colour-block", "below-threshold", "apple-rotation90", "green-apple-rotation270"]
        XCTAssertEqual(Set(try DisplayGoldens.cases().map(\.name)), tested)
    }

    private func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let golden = try XCTUnwrap(DisplayGoldens.cases().first { $0.name == name }, "no case \(name) in cases.json")
        let predictions = try PredictionPayload.parse(Array(golden.payload.utf8))
        let decision = DisplayDecision(predictions: predictions, threshold: golden.threshold)
        XCTAssertEqual(decision.tagName ?? "none", golden.tag, "decision differs from the seed's", file: file, line: line)

        let device = try DisplayGoldens.temporaryDirectory(for: self).appendingPathComponent("fb1")
        try Data(repeating: 0xAA, count: 128).write(to: device)
        let rotation = try XCTUnwrap(LEDRotation(degrees: golden.rotation))
        let display = SenseHatFramebuffer(path: device.path, rotation: rotation)
        try display.show(decision)

        let written = [UInt8](try Data(contentsOf: device))
        XCTAssertEqual(written, try DisplayGoldens.hexBytes("\(name).rgb565.hex"), file: file, line: line)
    }
}
