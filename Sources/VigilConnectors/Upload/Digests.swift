import Crypto
import Foundation

/// Hex and base64 spellings of digests, and the MD5 of a whole file read in chunks.
public enum Digests {
    /// Lower-case hex of `bytes`.
    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let table: [Character] = Array("0123456789abcdef")
        var text = ""
        for byte in bytes {
            text.append(table[Int(byte >> 4)])
            text.append(table[Int(byte & 0x0f)])
        }
        return text
    }

    /// The bytes of a hex string, or nil when it is not hex.
    public static func bytes(hex: String) -> [UInt8]? {
        let characters = Array(hex.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(characters.count / 2)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var index = 0
        while index < characters.count {
            guard let high = nibble(characters[index]), let low = nibble(characters[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// Hex SHA-256 of `data` (SigV4's payload hash).
    public static func sha256Hex(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// The MD5 of `data` as raw bytes.
    public static func md5(_ data: Data) -> [UInt8] { Array(Insecure.MD5.hash(data: data)) }

    /// The MD5 of a whole file, read 1 MiB at a time, as hex, and the file's size in bytes.
    public static func md5OfFile(at path: String) throws -> (hex: String, size: Int64) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw UploadError(.localFile, context: path, "cannot open the file")
        }
        defer { try? handle.close() }
        var hasher = Insecure.MD5()
        var size: Int64 = 0
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw UploadError(.localFile, context: path, "cannot read the file: \(error)")
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (hex(hasher.finalize()), size)
    }

    /// Reads `length` bytes at `offset` of the file at `path` (fewer at its end).
    public static func read(path: String, offset: Int64, length: Int) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw UploadError(.localFile, context: path, "cannot open the file")
        }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: UInt64(offset))
            return try handle.read(upToCount: length) ?? Data()
        } catch {
            throw UploadError(.localFile, context: path, "cannot read \(length) bytes at offset \(offset): \(error)")
        }
    }
}
