import Foundation
import VigilConnectors
import XCTest

final class TerminalDisplayTests: XCTestCase {
    private let apple = DisplayDecision(tagName: "apple", probability: 0.9312)

    func testRender_colour_matchesGolden() throws {
        let text = TerminalDisplay.render(DisplayIcons.seed.matrix(for: apple), decision: apple, style: .colour)
        try DisplayGoldens.assertText(text, matches: "terminal-apple-colour.txt")
    }

    func testRender_plain_matchesGolden() throws {
        let text = TerminalDisplay.render(DisplayIcons.seed.matrix(for: apple), decision: apple, style: .plain)
        try DisplayGoldens.assertText(text, matches: "terminal-apple-plain.txt")
    }

    func testRender_nothing_isDarkWithDash() throws {
        let text = TerminalDisplay.render(.blank, decision: .nothing, style: .plain)
        try DisplayGoldens.assertText(text, matches: "terminal-nothing-plain.txt")
        XCTAssertTrue(text.hasSuffix("\n—\n"))
    }

    func testRender_colourRow_isTwoSpacesPerLEDThenReset() {
        let matrix = LEDMatrix(filledWith: LEDColor(red: 1, green: 2, blue: 3))
        let firstRow = TerminalDisplay.render(matrix, decision: .nothing, style: .colour).split(separator: "\n")[0]
        XCTAssertEqual(String(firstRow), String(repeating: "\u{1B}[48;2;1;2;3m  ", count: 8) + "\u{1B}[0m")
    }

    func testCaption_roundsToOneDecimal() {
        XCTAssertEqual(TerminalDisplay.caption(apple), "apple 93.1%")
        XCTAssertEqual(TerminalDisplay.caption(DisplayDecision(tagName: "pear", probability: 1)), "pear 100.0%")
    }

    func testStyle_noColorOrDumbTerminal_isPlain() {
        XCTAssertEqual(TerminalDisplay.style(environment: ["NO_COLOR": "1", "TERM": "xterm"]), .plain)
        XCTAssertEqual(TerminalDisplay.style(environment: ["TERM": "dumb"]), .plain)
        XCTAssertEqual(TerminalDisplay.style(environment: ["NO_COLOR": "", "TERM": "xterm-256color"]), .colour)
        XCTAssertEqual(TerminalDisplay.style(environment: [:]), .colour)
    }

    func testShow_writesRenderingToSink() {
        let lines = Lines()
        TerminalDisplay(style: .plain, write: { lines.append($0) }).show(apple)
        XCTAssertEqual(lines.all, [TerminalDisplay.render(DisplayIcons.seed.matrix(for: apple), decision: apple, style: .plain)])
    }
}

/// A thread-safe list of what a sink received.
private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
