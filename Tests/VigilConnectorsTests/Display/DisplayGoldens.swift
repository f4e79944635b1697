import Foundation
import XCTest

/// The display tests' goldens, found next to this file so no resource declaration is needed.
///
/// Framebuffer goldens (`*.rgb565.hex`, `cases.json`) come from scripts/make-display-goldens.py;
/// text goldens (`terminal-*.txt`) are re-recorded by running the tests with RECORD_SNAPSHOTS=1.
enum DisplayGoldens {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")

    /// One case of cases.json.
    struct Case: Decodable {
        var name: String
        var payload: String
        var threshold: Double
        var rotation: Int
        /// The tag the script's restatement of the seed picked ("none" for nothing).
        var tag: String
    }

    static func cases() throws -> [Case] {
        try JSONDecoder().decode([Case].self, from: Data(contentsOf: directory.appendingPathComponent("cases.json")))
    }

    /// The bytes of a `.hex` golden: whitespace-separated two-digit hex bytes.
    static func hexBytes(_ name: String) throws -> [UInt8] {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        return try text.split(whereSeparator: \.isWhitespace).map { token in
            guard let byte = UInt8(token, radix: 16) else { throw CocoaError(.fileReadCorruptFile) }
            return byte
        }
    }

    /// Compares `actual` with a text golden, or writes it when RECORD_SNAPSHOTS is set.
    static func assertText(_ actual: String, matches name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no golden \(name); run with RECORD_SNAPSHOTS=1 to record it", file: file, line: line)
            return
        }
        XCTAssertEqual(actual, expected, "differs from \(name); RECORD_SNAPSHOTS=1 re-records it", file: file, line: line)
    }

    /// A fresh temporary directory, removed when the test ends.
    static func temporaryDirectory(for test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-display-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
