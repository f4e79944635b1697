import Foundation
import Testing
import VigilImage

/// Bad inputs produce an `ImageDecodingError` that names the image and says what is wrong.
@Suite struct DecoderErrorTests {
    func error(_ data: Data, name: String = "upload", pixelLimit: Int = ImageDecoder.defaultPixelLimit) -> ImageDecodingError? {
        do {
            _ = try ImageDecoder.decode(data, name: name, pixelLimit: pixelLimit)
            return nil
        } catch {
            return error
        }
    }

    @Test func emptyData_saysNoData() {
        #expect(error(Data(), name: "empty.jpg")?.description == "empty.jpg: no image data (0 bytes)")
    }

    @Test func textFile_showsMagicBytes() {
        let e = error(Data("hello world\n".utf8), name: "notes.txt")
        #expect(e?.description == "notes.txt: not a JPEG, PNG or BMP image (first bytes: 68 65 6c 6c 6f 20 77 6f \"hello wo\")")
    }

    @Test func binaryGarbage_showsHexOnly() {
        let e = error(Data([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01]), name: "anim.gif")
        #expect(e?.description == "anim.gif: not a JPEG, PNG or BMP image (first bytes: 47 49 46 38 39 61 01 00)")
    }

    @Test func truncatedJPEG_isReportedAsTruncated() throws {
        let jpeg = try Fixtures.data("decoder/jpeg-exif-littleendian-6.jpg")
        #expect(error(jpeg.prefix(jpeg.count - 2), name: "cut.jpg")?.description
                == "cut.jpg: truncated JPEG data (Premature end of JPEG file)")
        // Cut inside the tables, libjpeg complains about structure; the missing EOI says why.
        #expect(error(jpeg.prefix(jpeg.count / 2), name: "cut.jpg")?.description
                == "cut.jpg: truncated JPEG data (Invalid JPEG file structure: missing SOS marker)")
        #expect(error(jpeg.prefix(30), name: "cut.jpg")?.reason == .truncated(.jpeg, detail: "Premature end of JPEG file"))
    }

    @Test func jpegWithoutFrame_isCorrupt() {
        let e = error(Data([0xFF, 0xD8, 0xFF, 0xD9]), name: "empty-frame.jpg")
        #expect(e?.description == "empty-frame.jpg: corrupt JPEG data (no frame header (SOF marker) before the end of the image)")
    }

    @Test func truncatedPNG_isReportedAsTruncated() throws {
        let png = try Fixtures.data("decoder/png-rgb8.png")
        #expect(error(png.prefix(60), name: "cut.png")?.description == "cut.png: truncated PNG data (unexpected end of data)")
        #expect(error(png.prefix(8), name: "cut.png")?.reason == .truncated(.png, detail: "unexpected end of data"))
    }

    @Test func corruptPNG_carriesLibpngMessage() throws {
        var png = try Fixtures.data("decoder/png-rgb8.png")
        png[16] ^= 0xFF                                           // IHDR width: CRC no longer matches
        #expect(error(png, name: "bad.png")?.description == "bad.png: corrupt PNG data (IHDR: CRC error)")
    }

    @Test func truncatedBMP_saysWhereItEnds() throws {
        let bmp = try Fixtures.data("decoder/bmp-24-topdown.bmp")
        #expect(error(bmp.prefix(10), name: "cut.bmp")?.description == "cut.bmp: truncated BMP data (file header needs 18 bytes, got 10)")
        #expect(error(bmp.prefix(40), name: "cut.bmp")?.description == "cut.bmp: truncated BMP data (40-byte info header, file has 40 bytes)")
        #expect(error(bmp.prefix(bmp.count - 5), name: "cut.bmp")?.description
                == "cut.bmp: truncated BMP data (pixel data needs 47 bytes at offset 54, file has 43)")
        let rle = try Fixtures.data("decoder/bmp-rle8-quirks.bmp")
        #expect(error(rle.prefix(rle.count - 10), name: "rle.bmp")?.description
                == "rle.bmp: truncated BMP data (RLE8 data ends in an absolute run after 34 of 40 pixels)")
    }

    @Test func unsupportedBMP_namesTheVariant() throws {
        var bmp = [UInt8](try Fixtures.data("decoder/bmp-24-topdown.bmp"))
        bmp[30] = 4                                               // BI_JPEG
        #expect(error(Data(bmp), name: "jpeg-in.bmp")?.description
                == "jpeg-in.bmp: unsupported BMP variant (compression 4 (embedded JPEG))")
        bmp[30] = 0; bmp[28] = 12                                 // 12 bits per pixel
        #expect(error(Data(bmp), name: "odd.bmp")?.description == "odd.bmp: unsupported BMP variant (12 bits per pixel)")
    }

    @Test func hugeDimensions_areRefusedBeforeAllocating() throws {
        var bmp = [UInt8](try Fixtures.data("decoder/bmp-24-topdown.bmp"))
        bmp.replaceSubrange(18..<22, with: [0x40, 0x9C, 0x00, 0x00])      // width 40000
        bmp.replaceSubrange(22..<26, with: [0xC0, 0x63, 0xFF, 0xFF])      // height −40000 (top-down)
        #expect(error(Data(bmp), name: "bomb.bmp")?.description
                == "bomb.bmp: image is 40000×40000 pixels, more than the limit of 100000000 pixels")
        let png = try Fixtures.data("decoder/png-rgb8.png")
        #expect(error(png, name: "small.png", pixelLimit: 34)?.reason == .tooLarge(width: 7, height: 5, limit: 34))
        let jpeg = try Fixtures.data("decoder/jpeg-cmyk.jpg")
        #expect(error(jpeg, name: "small.jpg", pixelLimit: 100)?.reason == .tooLarge(width: 16, height: 12, limit: 100))
    }
}
