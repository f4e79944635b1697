import Foundation

extension SenseHatFramebuffer {
    /// The name the rpisense-fb driver gives its framebuffer.
    public static let framebufferName = "RPi-Sense FB"

    /// The device path of the Sense HAT's framebuffer, e.g. /dev/fb1.
    ///
    /// Reads `<sysfsClass>/fb*/name` in numeric order and takes the first whose trimmed content is
    /// `RPi-Sense FB`, as the `sense_hat` library does; the device node must exist too.
    ///
    /// - Throws: `DisplayError.deviceNotFound` listing the framebuffers seen.
    public static func discover(sysfsClass: String = "/sys/class/graphics", deviceDirectory: String = "/dev") throws -> String {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: sysfsClass)) ?? []
        let framebuffers = entries
            .filter { $0.hasPrefix("fb") && Int($0.dropFirst(2)) != nil }
            .sorted { Int($0.dropFirst(2))! < Int($1.dropFirst(2))! }
        var seen: [String] = []
        for fb in framebuffers {
            let nameFile = (sysfsClass as NSString).appendingPathComponent("\(fb)/name")
            guard let name = try? String(contentsOfFile: nameFile, encoding: .utf8) else { continue }
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            seen.append("\(fb) '\(trimmed)'")
            guard trimmed == framebufferName else { continue }
            let device = (deviceDirectory as NSString).appendingPathComponent(fb)
            guard FileManager.default.fileExists(atPath: device) else {
                throw DisplayError.deviceNotFound(
                    "\(sysfsClass)/\(fb) is the Sense HAT but \(device) does not exist (is the device mapped into the container?)")
            }
            return device
        }
        let found = seen.isEmpty ? "no framebuffers" : "found " + seen.joined(separator: ", ")
        throw DisplayError.deviceNotFound(
            "no framebuffer named '\(framebufferName)' under \(sysfsClass) (\(found)); is the Sense HAT attached and its overlay loaded?")
    }
}
