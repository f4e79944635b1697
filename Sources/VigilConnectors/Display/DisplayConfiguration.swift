/// Which displays show predictions and how, as the seed's sense-hat-display was set up.
public struct DisplayConfiguration: Sendable, Hashable {
    /// Draw the matrix and the tag in the terminal. Default false.
    public var terminal = false
    /// The Sense HAT: nil (default) off, `"auto"` finds the `RPi-Sense FB` framebuffer, else a path.
    public var senseHat: String?
    /// Load the HAT's low-light table at start, as the seed did. Default true.
    public var lowLight = true
    /// A tag is shown when its probability is above this. Default 0.6 (the seed's THRESHOLD).
    public var threshold = DisplayDecision.defaultThreshold
    /// Only this camera's predictions are shown; nil: every camera's.
    public var camera: String?
    public var rotation: LEDRotation = .degrees0
    /// Tag icons: the seed's fruit plus any configured.
    public var icons: DisplayIcons = .seed

    public init() {}

    /// True when any display is on.
    public var isEnabled: Bool { terminal || senseHat != nil }
}
