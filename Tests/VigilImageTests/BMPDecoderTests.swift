import Foundation
import Testing
import VigilImage

/// BMP variants built in the test from a known picture; the decoder must give that picture back.
@Suite struct BMPDecoderTests {
    typealias RGB = (r: UInt8, g: UInt8, b: UInt8)

    /// Little-endian byte accumulator.
    struct Bytes {
        var bytes: [UInt8] = []
        mutating func u16(_ v: UInt16) { bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8(v >> 8)) }
        mutating func u32(_ v: UInt32) { u16(UInt16(v & 0xFFFF)); u16(UInt16(v >> 16)) }
    }

    /// A BMP file: 14-byte file header, info header (40 or 124 bytes), masks, palette, pixels.
    static func bmp(width: Int, height: Int, bits: Int, compression: UInt32 = 0, palette: [RGB] = [],
                    masks: [UInt32] = [], headerSize: Int = 40, topDown: Bool = false, pixels: [UInt8]) -> Data {
        var info = Bytes()
        info.u32(UInt32(headerSize))
        info.u32(UInt32(width))
        info.u32(UInt32(bitPattern: Int32(topDown ? -height : height)))
        info.u16(1)
        info.u16(UInt16(bits))
        info.u32(compression)
        info.u32(UInt32(pixels.count))
        info.u32(2835)
        info.u32(2835)
        info.u32(UInt32(palette.count))
        info.u32(0)
        var extra = Bytes()
        for m in masks {
            if headerSize == 40 { extra.u32(m) } else { info.u32(m) }
        }
        info.bytes += [UInt8](repeating: 0, count: max(0, headerSize - info.bytes.count))
        var table: [UInt8] = []
        for entry in palette { table += [entry.b, entry.g, entry.r, 0] }
        let offset = 14 + info.bytes.count + extra.bytes.count + table.count
        var file = Bytes()
        file.bytes = [0x42, 0x4D]
        file.u32(UInt32(offset + pixels.count))
        file.u32(0)
        file.u32(UInt32(offset))
        return Data(file.bytes + info.bytes + extra.bytes + table + pixels)
    }

    /// Rows in file order (bottom-up unless `topDown`), each padded to 4 bytes.
    static func rows(height: Int, topDown: Bool = false, _ row: (Int) -> [UInt8]) -> [UInt8] {
        (0..<height).flatMap { fileRow -> [UInt8] in
            let bytes = row(topDown ? fileRow : height - 1 - fileRow)
            return bytes + [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4)
        }
    }

    /// Packs indices MSB-first at `bits` per pixel.
    static func pack(_ indices: [Int], bits: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (indices.count * bits + 7) / 8)
        for (i, v) in indices.enumerated() {
            let bit = i * bits
            out[bit / 8] |= UInt8(v) << UInt8(8 - bits - bit % 8)
        }
        return out
    }

    static let palette: [RGB] = (0..<256).map { (i: Int) -> RGB in
        let r = UInt8((i * 7) & 255), g = UInt8(255 - i), b = UInt8((i * 13) & 255)
        return (r, g, b)
    }

    /// index(x, y) picture, decoded through `palette`.
    static func expected(width: Int, height: Int, _ index: (Int, Int) -> Int) -> [UInt8] {
        (0..<height).flatMap { y in (0..<width).flatMap { x -> [UInt8] in
            let e = palette[index(x, y)]
            return [e.r, e.g, e.b]
        } }
    }

    @Test(arguments: [(1, 10), (2, 7), (4, 5), (8, 3)])
    func palette_bottomUp_matchesIndices(bits: Int, width: Int) throws {
        let height = 4, colors = 1 << bits
        let index = { (x: Int, y: Int) in (x * 3 + y * 5) % colors }
        let data = Self.bmp(width: width, height: height, bits: bits, palette: Array(Self.palette.prefix(colors)),
                            pixels: Self.rows(height: height) { y in Self.pack((0..<width).map { index($0, y) }, bits: bits) })
        let decoded = try ImageDecoder.decode(data, name: "\(bits)-bit.bmp")
        #expect(decoded.image.pixels == Self.expected(width: width, height: height, index))
        #expect(decoded.sourceMode == .palette)
        #expect(decoded.format == .bmp)
        #expect(decoded.exifOrientation == nil)
    }

    static func truecolor(width: Int, height: Int) -> [UInt8] {
        (0..<(width * height * 3)).map { UInt8(($0 * 37 + 11) & 255) }
    }

    @Test(arguments: [false, true])
    func bgr24_eitherDirection_roundTrips(topDown: Bool) throws {
        let (width, height) = (5, 3)
        let picture = Self.truecolor(width: width, height: height)
        let data = Self.bmp(width: width, height: height, bits: 24, topDown: topDown,
                            pixels: Self.rows(height: height, topDown: topDown) { y in
                                (0..<width).flatMap { x in let i = (y * width + x) * 3; return [picture[i + 2], picture[i + 1], picture[i]] }
                            })
        let decoded = try ImageDecoder.decode(data, name: "24.bmp")
        #expect(decoded.image.pixels == picture)
        #expect(decoded.sourceMode == .rgb)
    }

    @Test func bgrx32_ignoresFourthByte() throws {
        let (width, height) = (3, 2)
        let picture = Self.truecolor(width: width, height: height)
        let data = Self.bmp(width: width, height: height, bits: 32, pixels: Self.rows(height: height) { y in
            (0..<width).flatMap { x in let i = (y * width + x) * 3; return [picture[i + 2], picture[i + 1], picture[i], 0x5A] }
        })
        #expect(try ImageDecoder.decode(data, name: "32.bmp").image.pixels == picture)
    }

    @Test func bitfields565_scalesLikePillow() throws {
        let values: [UInt16] = [0xFFFF, 0x0000, 0xF800, 0x07E0, 0x001F, 0x1234, 0x8410]
        let data = Self.bmp(width: values.count, height: 1, bits: 16, compression: 3, masks: [0xF800, 0x07E0, 0x001F],
                            pixels: Self.rows(height: 1) { _ in values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } })
        let expected = values.flatMap { v -> [UInt8] in
            [UInt8(Int(v >> 11) * 255 / 31), UInt8(Int(v >> 5 & 63) * 255 / 63), UInt8(Int(v & 31) * 255 / 31)]
        }
        #expect(try ImageDecoder.decode(data, name: "565.bmp").image.pixels == expected)
    }

    @Test func bitfieldsRGBA_v5Header_dropsAlpha() throws {
        let pixels: [UInt32] = [0x80FF_0000, 0x0000_FF00, 0xFF12_3456]     // A B G R with R in the low byte
        let data = Self.bmp(width: 3, height: 1, bits: 32, compression: 3,
                            masks: [0x0000_00FF, 0x0000_FF00, 0x00FF_0000, 0xFF00_0000], headerSize: 124,
                            pixels: pixels.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8 & 0xFF), UInt8($0 >> 16 & 0xFF), UInt8($0 >> 24)] })
        let decoded = try ImageDecoder.decode(data, name: "rgba.bmp")
        #expect(decoded.image.pixels == [0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00, 0x56, 0x34, 0x12])
        #expect(decoded.sourceMode == .rgba)
    }

    /// Standard RLE: one encoded run per stretch of equal indices, end of line, end of bitmap.
    static func runLength(width: Int, height: Int, fourBit: Bool, _ index: (Int, Int) -> Int) -> [UInt8] {
        var out = [UInt8]()
        for fileRow in 0..<height {
            let y = height - 1 - fileRow
            var x = 0
            while x < width {
                var run = 1
                while x + run < width, run < 255, index(x + run, y) == index(x, y) { run += 1 }
                let v = UInt8(index(x, y))
                out += [UInt8(run), fourBit ? v << 4 | v : v]
                x += run
            }
            out += fileRow == height - 1 ? [0, 1] : [0, 0]
        }
        return out
    }

    @Test(arguments: [false, true])
    func runLength_encodedRuns_matchIndices(fourBit: Bool) throws {
        let (width, height) = (13, 6)
        let colors = fourBit ? 16 : 256
        let index = { (x: Int, y: Int) in ((x / 3) * 5 + y * 7) % colors }
        let data = Self.bmp(width: width, height: height, bits: fourBit ? 4 : 8, compression: fourBit ? 2 : 1,
                            palette: Array(Self.palette.prefix(colors)),
                            pixels: Self.runLength(width: width, height: height, fourBit: fourBit, index))
        #expect(try ImageDecoder.decode(data, name: "rle.bmp").image.pixels == Self.expected(width: width, height: height, index))
    }

    @Test func runLength8_absoluteOddRun_isWordAligned() throws {
        // Row 0 (bottom): absolute run of 3 (one pad byte follows), encoded run of 2; end of bitmap.
        let rle: [UInt8] = [0, 3, 4, 5, 6, 0, 2, 9, 0, 1]
        let data = Self.bmp(width: 5, height: 1, bits: 8, compression: 1, palette: Self.palette, pixels: rle)
        let expected = Self.expected(width: 5, height: 1) { x, _ in [4, 5, 6, 9, 9][x] }
        #expect(try ImageDecoder.decode(data, name: "abs.bmp").image.pixels == expected)
    }

    @Test func runLength4_earlyEndOfBitmap_leavesIndexZero() throws {
        // Only the bottom row is coded; Pillow refuses such files, Vigil leaves index 0 above it.
        let data = Self.bmp(width: 4, height: 2, bits: 4, compression: 2, palette: Array(Self.palette.prefix(16)),
                            pixels: [4, 0x12, 0, 1])
        let expected = Self.expected(width: 4, height: 2) { x, y in y == 1 ? [1, 2, 1, 2][x] : 0 }
        #expect(try ImageDecoder.decode(data, name: "eob.bmp").image.pixels == expected)
    }
}
