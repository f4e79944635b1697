/// An error from the display connectors: a malformed prediction payload, a bad icon, or a
/// Sense HAT framebuffer that cannot be found or written.
///
/// The description carries the context (the JSON path, the tag and row/column of an icon, the
/// device path) so it can be logged as is. Two errors compare equal when they are of the same
/// kind, which lets tests and callers match on kind: `error == .invalidIcon`.
public struct DisplayError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidIcon
        case deviceNotFound
        case deviceIO
    }

    private let code: Code
    /// What went wrong, naming the input it concerns.
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// An icon definition has the wrong size or a character its palette does not define.
    public static let invalidIcon = DisplayError(.invalidIcon, "invalid icon")
    /// No framebuffer named `RPi-Sense FB` was found.
    public static let deviceNotFound = DisplayError(.deviceNotFound, "Sense HAT framebuffer not found")
    /// The framebuffer could not be opened, written or configured.
    public static let deviceIO = DisplayError(.deviceIO, "Sense HAT framebuffer I/O failed")

    static func invalidIcon(tag: String, _ detail: String) -> Self { Self(.invalidIcon, "icon for tag '\(tag)': \(detail)") }
    static func deviceNotFound(_ detail: String) -> Self { Self(.deviceNotFound, detail) }
    static func deviceIO(path: String, _ detail: String) -> Self { Self(.deviceIO, "\(path): \(detail)") }
}
