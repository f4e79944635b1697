#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Sense HAT's LED matrix, driven through its Linux framebuffer (`RPi-Sense FB`, /dev/fbN).
///
/// Each `show` opens the device, writes the 128-byte RGB565 image at offset 0 and closes it, as
/// the `sense_hat` Python library does, so the value holds no descriptor and is freely `Sendable`.
/// Any path works, so tests point it at a plain file. Writes are not serialised: drive one
/// instance from one task.
public struct SenseHatFramebuffer: Display {
    /// How the Sense HAT display is set up.
    public struct Configuration: Sendable, Hashable {
        /// The framebuffer device; nil (the default) finds it by name under /sys/class/graphics.
        public var devicePath: String?
        /// How the HAT is mounted; default 0 (HDMI port facing down).
        public var rotation: LEDRotation
        /// Whether to load the HAT's low-light gamma table, as the seed did; default true.
        /// False leaves the table as it is (the driver starts with its default table).
        public var lowLight: Bool
        /// The tag icons; default the seed's fruit.
        public var icons: DisplayIcons

        public init(
            devicePath: String? = nil, rotation: LEDRotation = .degrees0, lowLight: Bool = true, icons: DisplayIcons = .seed
        ) {
            self.devicePath = devicePath
            self.rotation = rotation
            self.lowLight = lowLight
            self.icons = icons
        }
    }

    /// The device (or file) written to.
    public let path: String
    /// Applied to every matrix before it is written.
    public let rotation: LEDRotation
    /// Maps decisions to matrices.
    public let icons: DisplayIcons

    /// A display writing to `path`; nothing is opened until the first `show`.
    public init(path: String, rotation: LEDRotation = .degrees0, icons: DisplayIcons = .seed) {
        self.path = path
        self.rotation = rotation
        self.icons = icons
    }

    /// A display ready to show: the device found if no path is configured, the gamma table set and
    /// the LEDs blanked.
    ///
    /// - Parameter sysfsClass: where framebuffers are listed, for tests; default /sys/class/graphics.
    /// - Parameter deviceDirectory: where their device nodes are, for tests; default /dev.
    public static func prepare(
        _ configuration: Configuration, sysfsClass: String = "/sys/class/graphics", deviceDirectory: String = "/dev"
    ) throws -> SenseHatFramebuffer {
        let path = try configuration.devicePath ?? discover(sysfsClass: sysfsClass, deviceDirectory: deviceDirectory)
        let display = SenseHatFramebuffer(path: path, rotation: configuration.rotation, icons: configuration.icons)
        if configuration.lowLight { try display.setLowLight(true) }
        try display.clear()
        return display
    }

    public func show(_ decision: DisplayDecision) throws {
        try show(icons.matrix(for: decision))
    }

    /// Writes `matrix`, rotated, to the framebuffer.
    ///
    /// - Throws: `DisplayError.deviceIO` naming the path and the system error.
    public func show(_ matrix: LEDMatrix) throws {
        let bytes = matrix.rotated(by: rotation).rgb565Bytes()
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DisplayError.deviceIO(path: path, "cannot open for writing: \(systemError())") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                pwrite(fd, buffer.baseAddress! + written, buffer.count - written, off_t(written))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = n < 0 ? systemError() : "wrote nothing"
                throw DisplayError.deviceIO(path: path, "write at offset \(written) failed: \(reason)")
            }
            written += n
        }
    }

    /// Turns every LED off.
    public func clear() throws {
        try show(LEDMatrix.blank)
    }

    /// Loads the HAT's low-light gamma table (on) or its default one (off).
    ///
    /// The `sense_hat` library's `low_light` setter: ioctl `SENSEFB_FBIORESET_GAMMA` (61698) with
    /// 1 (low) or 0 (default). A plain file or another framebuffer refuses it.
    public func setLowLight(_ on: Bool) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DisplayError.deviceIO(path: path, "cannot open: \(systemError())") }
        defer { close(fd) }
        guard ioctl(fd, Self.resetGammaRequest, on ? 1 : 0) == 0 else {
            let table = on ? "low-light" : "default"
            throw DisplayError.deviceIO(path: path, "cannot set the \(table) gamma table: \(systemError())")
        }
    }

    /// `SENSEFB_FBIORESET_GAMMA` of the rpisense-fb driver.
    static let resetGammaRequest: UInt = 61698

    private func systemError() -> String {
        String(cString: strerror(errno))
    }
}
