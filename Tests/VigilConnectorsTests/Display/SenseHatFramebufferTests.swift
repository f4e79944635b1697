import Foundation
import VigilConnectors
import XCTest

final class SenseHatFramebufferTests: XCTestCase {
    /// A fake /sys/class/graphics with the given framebuffer names, and a fake /dev with their nodes.
    private func fakeSystem(_ names: [String: String]) throws -> (sysfs: String, dev: String) {
        let root = try DisplayGoldens.temporaryDirectory(for: self)
        let sysfs = root.appendingPathComponent("sys/class/graphics"), dev = root.appendingPathComponent("dev")
        try FileManager.default.createDirectory(at: dev, withIntermediateDirectories: true)
        for (fb, name) in names {
            let dir = sysfs.appendingPathComponent(fb)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try (name + "\n").write(to: dir.appendingPathComponent("name"), atomically: true, encoding: .utf8)
            try Data(count: 128).write(to: dev.appendingPathComponent(fb))
        }
        return (sysfs.path, dev.path)
    }

    func testDiscover_findsSenseHatAmongFramebuffers() throws {
        let (sysfs, dev) = try fakeSystem(["fb0": "simple", "fb1": "RPi-Sense FB"])
        XCTAssertEqual(try SenseHatFramebuffer.discover(sysfsClass: sysfs, deviceDirectory: dev), dev + "/fb1")
    }

    func testDiscover_noSenseHat_errorListsFramebuffers() throws {
        let (sysfs, dev) = try fakeSystem(["fb0": "simple"])
        XCTAssertThrowsError(try SenseHatFramebuffer.discover(sysfsClass: sysfs, deviceDirectory: dev)) { error in
            XCTAssertEqual(error as? DisplayError, .deviceNotFound)
            XCTAssertEqual("\(error)", "no framebuffer named 'RPi-Sense FB' under \(sysfs) (found fb0 'simple'); "
                + "is the Sense HAT attached and its overlay loaded?")
        }
    }

    func testDiscover_missingSysfs_errorSaysNoFramebuffers() throws {
        let missing = try DisplayGoldens.temporaryDirectory(for: self).appendingPathComponent("absent").path
        XCTAssertThrowsError(try SenseHatFramebuffer.discover(sysfsClass: missing)) { error in
            XCTAssertTrue("\(error)".contains("(no framebuffers)"), "\(error)")
        }
    }

    func testDiscover_deviceNodeMissing_errorNamesIt() throws {
        let (sysfs, dev) = try fakeSystem(["fb1": "RPi-Sense FB"])
        try FileManager.default.removeItem(atPath: dev + "/fb1")
        XCTAssertThrowsError(try SenseHatFramebuffer.discover(sysfsClass: sysfs, deviceDirectory: dev)) { error in
            XCTAssertEqual(error as? DisplayError, .deviceNotFound)
            XCTAssertTrue("\(error)".contains("\(dev)/fb1 does not exist"), "\(error)")
        }
    }

    func testShow_missingDevice_errorNamesPath() throws {
        let path = try DisplayGoldens.temporaryDirectory(for: self).appendingPathComponent("fb9").path
        XCTAssertThrowsError(try SenseHatFramebuffer(path: path).show(.blank)) { error in
            XCTAssertEqual(error as? DisplayError, .deviceIO)
            XCTAssertEqual("\(error)", "\(path): cannot open for writing: No such file or directory")
        }
    }

    func testSetLowLight_plainFile_errorNamesPath() throws {
        let path = try DisplayGoldens.temporaryDirectory(for: self).appendingPathComponent("fb1").path
        try Data(count: 128).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SenseHatFramebuffer(path: path).setLowLight(true)) { error in
            XCTAssertEqual(error as? DisplayError, .deviceIO)
            XCTAssertTrue("\(error)".hasPrefix("\(path): cannot set the low-light gamma table: "), "\(error)")
        }
    }

    func testPrepare_discoversAndBlanks() throws {
        let (sysfs, dev) = try fakeSystem(["fb0": "simple", "fb1": "RPi-Sense FB"])
        try Data(repeating: 0xFF, count: 128).write(to: URL(fileURLWithPath: dev + "/fb1"))
        let display = try SenseHatFramebuffer.prepare(.init(lowLight: false), sysfsClass: sysfs, deviceDirectory: dev)
        XCTAssertEqual(display.path, dev + "/fb1")
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: display.path))), Array(repeating: 0, count: 128))
    }

    func testShow_leavesBytesPastTheImageAlone() throws {
        let path = try DisplayGoldens.temporaryDirectory(for: self).appendingPathComponent("fb1").path
        try Data(repeating: 0x55, count: 130).write(to: URL(fileURLWithPath: path))
        try SenseHatFramebuffer(path: path).show(LEDMatrix(filledWith: LEDColor(red: 255, green: 255, blue: 255)))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(bytes, Array(repeating: 0xFF, count: 128) + [0x55, 0x55])
    }
}
