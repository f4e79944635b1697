import CZlib
import Foundation

/// A minimal reader for the ZIP files Custom Vision and Azure ML hand out (stored or deflated
/// entries, no encryption, no ZIP64), enough to unpack a model bundle.
/// Spec: PKWARE APPNOTE.TXT, sections 4.3.7 (local header) and 4.3.12 (central directory).
struct ZipArchive {
    struct Entry {
        let name: String
        let method: UInt16
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    let file: String
    let data: Data
    let entries: [Entry]

    init(contentsOf url: URL) throws {
        file = url.path
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw VisionError.bundle(url.path, "cannot read the file (\(error.localizedDescription))")
        }
        entries = try ZipArchive.readDirectory(data, file: url.path)
    }

    private static func readDirectory(_ data: Data, file: String) throws -> [Entry] {
        let bytes = [UInt8](data)
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw VisionError.bundle(file, "not a zip archive (too short)") }
        var end = -1
        var i = bytes.count - 22
        while i >= max(0, bytes.count - 22 - 65_535) {
            if u32(i) == 0x0605_4b50 { end = i; break }
            i -= 1
        }
        guard end >= 0 else { throw VisionError.bundle(file, "not a zip archive (no end-of-central-directory record)") }
        let count = u16(end + 10)
        var offset = u32(end + 16)
        var entries: [Entry] = []
        for _ in 0..<count {
            guard offset + 46 <= bytes.count, u32(offset) == 0x0201_4b50 else {
                throw VisionError.bundle(file, "corrupt zip central directory at byte \(offset)")
            }
            let nameLength = u16(offset + 28), extraLength = u16(offset + 30), commentLength = u16(offset + 32)
            guard offset + 46 + nameLength <= bytes.count else { throw VisionError.bundle(file, "truncated zip directory") }
            let name = String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            if u16(offset + 8) & 1 != 0 { throw VisionError.bundle(file, "zip entry '\(name)' is encrypted") }
            entries.append(Entry(name: name, method: UInt16(u16(offset + 10)), compressedSize: u32(offset + 20),
                                 uncompressedSize: u32(offset + 24), localHeaderOffset: u32(offset + 42)))
            offset += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// The uncompressed bytes of an entry.
    func extract(_ entry: Entry) throws -> Data {
        let start = entry.localHeaderOffset
        guard start + 30 <= data.count else { throw VisionError.bundle(file, "zip entry '\(entry.name)' is outside the file") }
        let header = [UInt8](data[start..<(start + 30)])
        guard header[0] == 0x50, header[1] == 0x4b, header[2] == 3, header[3] == 4 else {
            throw VisionError.bundle(file, "zip entry '\(entry.name)' has a corrupt local header")
        }
        let nameLength = Int(header[26]) | Int(header[27]) << 8
        let extraLength = Int(header[28]) | Int(header[29]) << 8
        let payloadStart = start + 30 + nameLength + extraLength
        guard payloadStart + entry.compressedSize <= data.count else {
            throw VisionError.bundle(file, "zip entry '\(entry.name)' is truncated")
        }
        let payload = data[payloadStart..<(payloadStart + entry.compressedSize)]
        switch entry.method {
        case 0:
            return Data(payload)
        case 8:
            return try inflate(Data(payload), expected: entry.uncompressedSize, name: entry.name)
        default:
            throw VisionError.bundle(file, "zip entry '\(entry.name)' uses compression method \(entry.method); only stored and deflate are supported")
        }
    }

    private func inflate(_ input: Data, expected: Int, name: String) throws -> Data {
        var output = Data(count: expected)
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw VisionError.bundle(file, "zlib could not start for '\(name)'")
        }
        defer { inflateEnd(&stream) }
        var input = input
        let status: Int32 = input.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw in
                stream.next_in = inRaw.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(inRaw.count)
                stream.next_out = outRaw.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(outRaw.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == expected else {
            throw VisionError.bundle(file, "zip entry '\(name)' is corrupt (inflate status \(status), \(stream.total_out) of \(expected) bytes)")
        }
        return output
    }
}
