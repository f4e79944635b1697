import Foundation
import Testing
import VigilImage

/// EXIF orientation: reading tag 0x0112 from JPEG APP1 and turning images upright.
@Suite struct OrientationTests {
    /// A 3×2 image whose pixel (x, y) has red = 10x + y.
    static let sample = RGBImage(width: 3, height: 2, pixels: (0..<2).flatMap { y in (0..<3).flatMap { x in [UInt8(10 * x + y), 0, 0] } })

    static func reds(_ image: RGBImage) -> [[UInt8]] {
        (0..<image.height).map { y in (0..<image.width).map { x in image[x, y].r } }
    }

    /// Expected results of Pillow's `ImageOps.exif_transpose` for each orientation.
    @Test(arguments: [
        (1, [[0, 10, 20], [1, 11, 21]]),
        (2, [[20, 10, 0], [21, 11, 1]]),
        (3, [[21, 11, 1], [20, 10, 0]]),
        (4, [[1, 11, 21], [0, 10, 20]]),
        (5, [[0, 1], [10, 11], [20, 21]]),
        (6, [[1, 0], [11, 10], [21, 20]]),
        (7, [[21, 20], [11, 10], [1, 0]]),
        (8, [[20, 21], [10, 11], [0, 1]]),
        (0, [[0, 10, 20], [1, 11, 21]]),
        (9, [[0, 1], [10, 11], [20, 21]]),
    ] as [(Int, [[UInt8]])])
    func oriented_followsExifMapping(orientation: Int, expected: [[UInt8]]) {
        #expect(Self.reds(Self.sample.oriented(exifOrientation: orientation)) == expected)
    }

    /// A JPEG (from the fixtures) with `segments` APP1 payloads inserted after SOI.
    static func jpeg(withAPP1 segments: [[UInt8]]) throws -> Data {
        let base = [UInt8](try Fixtures.data("decoder/jpeg-progressive-444.jpg"))
        var out = Array(base.prefix(2))
        for payload in segments { out += [0xFF, 0xE1, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload }
        return Data(out + base.dropFirst(2))
    }

    /// "Exif\0\0" + a TIFF header + IFD0 with one entry.
    static func exif(bigEndian: Bool, tag: UInt16 = 0x0112, type: UInt16 = 3, count: UInt32 = 1, value: UInt32) -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) -> [UInt8] { bigEndian ? u16(UInt16(v >> 16)) + u16(UInt16(v & 0xFFFF)) : u16(UInt16(v & 0xFFFF)) + u16(UInt16(v >> 16)) }
        let inline: [UInt8] = type == 3 ? u16(UInt16(value)) + [0, 0] : u32(value)
        return Array("Exif\0\0".utf8) + (bigEndian ? Array("MM".utf8) : Array("II".utf8)) + u16(42) + u32(8)
            + u16(1) + u16(tag) + u16(type) + u32(count) + inline + u32(0)
    }

    func orientation(_ segments: [[UInt8]]) throws -> Int? {
        try ImageDecoder.decode(try Self.jpeg(withAPP1: segments), name: "exif.jpg").exifOrientation
    }

    @Test func exif_bothByteOrders() throws {
        #expect(try orientation([Self.exif(bigEndian: true, value: 6)]) == 6)
        #expect(try orientation([Self.exif(bigEndian: false, value: 8)]) == 8)
        #expect(try orientation([Self.exif(bigEndian: false, type: 4, value: 3)]) == 3)     // LONG
        #expect(try orientation([Self.exif(bigEndian: true, value: 0)]) == 0)               // reported as stored
        #expect(try orientation([Self.exif(bigEndian: true, value: 300)]) == 300)
    }

    @Test func exif_missingOrMalformed_isNil() throws {
        #expect(try orientation([]) == nil)
        #expect(try orientation([Self.exif(bigEndian: false, tag: 0x010F, value: 6)]) == nil)          // other tag
        #expect(try orientation([Self.exif(bigEndian: false, count: 2, value: 6)]) == nil)             // a tuple in Pillow
        #expect(try orientation([Self.exif(bigEndian: false, type: 2, value: 6)]) == nil)              // ASCII
        #expect(try orientation([Array("Exif\0\0XX*\0".utf8)]) == nil)                                 // not TIFF
        #expect(try orientation([Array(Self.exif(bigEndian: true, value: 6).prefix(20))]) == nil)      // IFD cut short
    }

    @Test func exif_firstSegmentWins_xmpIsTheFallback() throws {
        #expect(try orientation([Self.exif(bigEndian: false, value: 3), Self.exif(bigEndian: false, value: 6)]) == 3)
        let xmp = Array("http://ns.adobe.com/xap/1.0/\0<rdf:Description><tiff:Orientation>7</tiff:Orientation>".utf8)
        let emptyExif = Array("Exif\0\0II*\0".utf8) + [8, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(try orientation([xmp, emptyExif]) == 7)
        #expect(try orientation([xmp]) == nil)                     // no EXIF at all: Pillow's _getexif is None
        #expect(try orientation([xmp, Self.exif(bigEndian: false, value: 2)]) == 2)
    }
}
