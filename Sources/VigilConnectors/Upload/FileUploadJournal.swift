import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An ``UploadJournal`` in one JSON file, rewritten atomically on every change.
///
/// Each save writes the whole list to `<file>.tmp`, fsyncs it, renames it over the file and
/// fsyncs the directory, so a crash leaves the old or the new list, never half of one. Meant for
/// tens to hundreds of items (tests, small installations). Thread-safe (one lock).
public final class FileUploadJournal: UploadJournal, @unchecked Sendable {
    public let url: URL
    private let lock = NSLock()
    private var items: [String: UploadItem] = [:]

    /// Opens (or starts) the journal at `url`; the folder must exist.
    public init(url: URL) throws {
        self.url = url
        if FileManager.default.fileExists(atPath: url.path) {
            do {
                let data = try Data(contentsOf: url)
                let list = try Self.decoder.decode([UploadItem].self, from: data)
                items = Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { _, b in b })
            } catch {
                throw UploadError(.localFile, context: url.path, "unreadable upload journal: \(error)")
            }
        }
    }

    public func load() throws -> [UploadItem] {
        lock.lock()
        defer { lock.unlock() }
        return items.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func save(_ item: UploadItem) throws {
        lock.lock()
        defer { lock.unlock() }
        let previous = items[item.id]
        items[item.id] = item
        do { try write() } catch {
            items[item.id] = previous
            throw error
        }
    }

    public func remove(id: String) throws {
        lock.lock()
        defer { lock.unlock() }
        guard let previous = items.removeValue(forKey: id) else { return }
        do { try write() } catch {
            items[id] = previous
            throw error
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// temp file + fsync + rename + fsync of the folder. Called with the lock held.
    private func write() throws {
        let list = items.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        let data = try Self.encoder.encode(list)
        let temporary = url.path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw Self.failure(temporary, "cannot create") }
        var ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok else { throw Self.failure(temporary, "cannot write") }
        guard rename(temporary, url.path) == 0 else { throw Self.failure(url.path, "cannot rename into place") }
        let directory = open(url.deletingLastPathComponent().path, O_RDONLY)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    private static func failure(_ path: String, _ what: String) -> UploadError {
        UploadError(.localFile, context: path, "\(what) the upload journal: \(String(cString: strerror(errno)))")
    }
}
