import Foundation
import Logging

/// Cleans a clip directory at start-up, after a crash or power loss may have left clips half
/// written.
///
/// A recorder writes `<name>.mp4.partial` and renames it to `<name>.mp4` only once the MP4 is
/// complete and synced (see `MP4ClipWriter`), so every `.mp4` is a finished clip and every
/// `.partial` an unfinished one. An unfinished MP4 has no `moov` atom (the index of its samples,
/// written by the trailer), so no player can read it, and rebuilding the index would mean parsing
/// the raw H.264/H.265 in `mdat` without sample boundaries or timestamps — not something to trust
/// in a recovery path. `scan` therefore removes every `.partial`.
///
/// Call it before any recorder of the directory starts: it cannot tell a crashed writer's file
/// from a live one's.
public enum ClipRecovery {
    /// What a scan found.
    public struct Report: Sendable, Equatable {
        /// Finished clips (`.mp4`), sorted by name.
        public var clips: [URL] = []
        /// `.partial` files removed.
        public var removedPartials: [URL] = []
        /// `.partial` files that could not be removed.
        public var failures: [ClipError] = []
    }

    /// Lists the finished clips of `directory` and removes its leftover `.partial` files.
    public static func scan(_ directory: URL, logger: Logger = Logger(label: "vigil.clips")) -> Report {
        var report = Report()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names.sorted() {
            let url = directory.appendingPathComponent(name)
            if name.hasSuffix(MP4ClipWriter.partialSuffix) {
                if unlink(url.path) == 0 || errno == ENOENT {
                    report.removedPartials.append(url)
                    logger.warning("Removed an unfinished clip left by an earlier run", metadata: ["file": "\(url.path)"])
                } else {
                    let error = ClipError.system(errno, path: String(url.path.dropLast(MP4ClipWriter.partialSuffix.count)),
                                                 operation: "remove the unfinished \(name)")
                    report.failures.append(error)
                    logger.error("\(error)")
                }
            } else if name.hasSuffix(".mp4") {
                report.clips.append(url)
            }
        }
        return report
    }
}
