/// Reads the EXIF orientation of a PNG the way Pillow 13's `PngImageFile._getexif()` sees it.
///
/// Pillow stores the payload of the eXIf chunk (PNG 3rd edition §11.3.3.8) wherever it sits,
/// before or after the image data, the last one winning, and parses IFD0 of that TIFF. Its other
/// EXIF sources (ImageMagick's hex "Raw profile type exif" text chunk, a tEXt chunk named "exif",
/// XMP `tiff:Orientation` in iTXt) are not read here: such files report nil.
enum PNGMetadata {
    static func exifOrientation(_ bytes: ByteView) -> Int? {
        var exif: ArraySlice<UInt8>? = nil
        var at = 8
        while let length = bytes.u32le(at)?.byteSwapped, let type = bytes.u32le(at + 4)?.byteSwapped {
            let start = at + 8, end = start + Int(length)
            guard end <= bytes.count else { break }
            if type == 0x6558_4966 {                                  // "eXIf"
                exif = ArraySlice(bytes.bytes[start..<end])
            } else if type == 0x4945_4E44 {                           // "IEND"
                break
            }
            at = end + 4                                              // skip the CRC
        }
        guard var tiff = exif.map(Array.init) else { return nil }
        let prefix = Array("Exif\0\0".utf8)
        while tiff.starts(with: prefix) { tiff.removeFirst(prefix.count) }
        return TIFFDirectory.integerTag(JPEGMetadata.orientationTag, inFirstIFDOf: tiff)
    }
}
