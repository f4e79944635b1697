import Foundation
import Testing
import VigilImage

/// Fixtures written by scripts/make-image-fixtures.py; `<file>.rgb` is Pillow 13's
/// `convert("RGB")` of each, and the decoder must reproduce it byte for byte.
@Suite struct DecoderFixtureTests {
    struct Entry: Decodable {
        let width: Int
        let height: Int
        let pillowMode: String
        let orientation: Int?
    }

    static let manifest: [String: Entry] = {
        guard let data = try? Fixtures.data("decoder/manifest.json"),
              let entries = try? JSONDecoder().decode([String: Entry].self, from: data) else { return [:] }
        return entries
    }()

    /// Pillow's mode after `Image.open` -> the source mode Vigil reports.
    static func expectedMode(_ file: String, pillowMode: String) -> SourceMode? {
        if file == "png-graya16.png" { return .grayAlpha }       // Pillow opens "LA;16B" as RGBA
        switch pillowMode {
        case "1", "L", "I;16": return .gray
        case "LA": return .grayAlpha
        case "P": return .palette
        case "RGB": return .rgb
        case "RGBA": return .rgba
        case "CMYK": return .cmyk
        default: return nil
        }
    }

    @Test func manifest_listsEveryVariant() {
        #expect(Self.manifest.count == 38)
        for prefix in ["png-", "bmp-", "jpeg-"] {
            #expect(Self.manifest.keys.contains { $0.hasPrefix(prefix) }, "no \(prefix) fixtures")
        }
    }

    @Test(arguments: manifest.keys.sorted())
    func decode_matchesPillowRGB(file: String) throws {
        let entry = try #require(Self.manifest[file])
        let decoded = try ImageDecoder.decode(try Fixtures.data("decoder/\(file)"), name: file)
        let expected = [UInt8](try Fixtures.data("decoder/\(file).rgb"))
        #expect(decoded.image.width == entry.width)
        #expect(decoded.image.height == entry.height)
        #expect(decoded.sourceMode == Self.expectedMode(file, pillowMode: entry.pillowMode))
        #expect(decoded.exifOrientation == entry.orientation)
        let wrong = zip(decoded.image.pixels, expected).filter { $0 != $1 }.count
        #expect(decoded.image.pixels.count == expected.count && wrong == 0,
                "\(file): \(wrong) of \(expected.count) bytes differ from Pillow")
        let format: ImageFormat = file.hasPrefix("png") ? .png : file.hasPrefix("bmp") ? .bmp : .jpeg
        #expect(decoded.format == format)
    }
}
