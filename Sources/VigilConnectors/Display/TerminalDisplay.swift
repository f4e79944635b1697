import Foundation

/// Shows the LED matrix in a terminal: 8 rows of coloured cells and a caption with the tag.
///
/// For machines without a Sense HAT, and for watching a headless device over SSH. Rendering is a
/// pure function (`render`); `show` hands the text to the sink given at init, so the library
/// never prints by itself.
public struct TerminalDisplay: Display {
    /// How cells are drawn.
    public enum Style: Sendable, Hashable {
        /// Each LED as two spaces on an ANSI 24-bit background (`ESC[48;2;R;G;Bm`), rows ending in `ESC[0m`.
        case colour
        /// Each LED as `#` (lit) or `.` (off), for dumb terminals, logs and NO_COLOR.
        case plain
    }

    public let style: Style
    public let icons: DisplayIcons
    private let write: @Sendable (String) -> Void

    /// A terminal display sending each rendering to `write` (e.g. a standard-output writer).
    public init(style: Style, icons: DisplayIcons = .seed, write: @escaping @Sendable (String) -> Void) {
        self.style = style
        self.icons = icons
        self.write = write
    }

    public func show(_ decision: DisplayDecision) {
        write(Self.render(icons.matrix(for: decision), decision: decision, style: style))
    }

    /// `.plain` when the environment asks for no colour (`NO_COLOR` set and not empty, see
    /// https://no-color.org, or `TERM=dumb`), else `.colour`.
    public static func style(environment: [String: String]) -> Style {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .plain }
        if environment["TERM"] == "dumb" { return .plain }
        return .colour
    }

    /// The matrix as 8 text rows followed by the caption (`apple 93.1%`, or `—` for no tag),
    /// each line ending in a newline.
    public static func render(_ matrix: LEDMatrix, decision: DisplayDecision, style: Style) -> String {
        var out = ""
        for row in 0..<LEDMatrix.side {
            for column in 0..<LEDMatrix.side {
                let led = matrix[row, column]
                switch style {
                case .colour: out += "\u{1B}[48;2;\(led.red);\(led.green);\(led.blue)m  "
                case .plain: out += led.isOff ? "." : "#"
                }
            }
            if style == .colour { out += "\u{1B}[0m" }
            out += "\n"
        }
        return out + caption(decision) + "\n"
    }

    /// `tag 93.1%` (probability as a percentage with one decimal), or `—` when there is no tag.
    public static func caption(_ decision: DisplayDecision) -> String {
        guard let tag = decision.tagName else { return "—" }
        return "\(tag) " + String(format: "%.1f%%", decision.probability * 100)
    }
}
