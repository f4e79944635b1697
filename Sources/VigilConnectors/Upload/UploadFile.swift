import Crypto
import Foundation

/// Checks on the local file shared by the destinations: still there, same size, same MD5.
enum UploadFile {
    /// Throws `.localFile` when the file is gone or its size changed since it was queued.
    static func checkUnchanged(_ item: UploadItem) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: item.file) else {
            throw UploadError(.localFile, context: item.file, "the file is gone")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        guard size == item.size else {
            throw UploadError(.localFile, context: item.file, "the file changed size since it was queued (\(item.size) → \(size) bytes)")
        }
    }

    /// Throws `.localFile` when the bytes read do not have the MD5 measured when queued.
    static func checkDigest(_ hex: String, of item: UploadItem) throws {
        guard hex == item.md5 else {
            throw UploadError(.localFile, context: item.file, "the file changed since it was queued (MD5 \(item.md5) → \(hex))")
        }
    }

    /// Chunks of `chunk` bytes a file of `size` bytes is cut into (at least one).
    static func chunkCount(size: Int64, chunk: Int) -> Int {
        max(1, Int((size + Int64(chunk) - 1) / Int64(chunk)))
    }

    /// An MD5 fed chunk by chunk.
    struct RunningMD5 {
        private var hasher = Insecure.MD5()
        mutating func update(_ data: Data) { hasher.update(data: data) }
        var hex: String { Digests.hex(hasher.finalize()) }
        var bytes: [UInt8] { Array(hasher.finalize()) }
    }
}
