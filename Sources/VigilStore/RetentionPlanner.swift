import Foundation

/// Decides which event files to delete, in what order and why: a pure function of the files,
/// the policy, the disk's free space and the time.
///
/// First every file past its kind's maximum age goes, oldest first. Then, while the files still
/// exceed the total cap or the disk has less free space than the minimum, files go in this order:
/// those already uploaded to every target, oldest first, then the rest, oldest first. Files of
/// active events are never deleted, but count towards the total. The caller deletes the files in
/// the order given and updates the store (`removeSnapshot`, `markClipRemoved`).
public enum RetentionPlanner {
    /// One file to delete and the reason, in words for logs and `vigil retention --dry-run`.
    public struct Deletion: Sendable, Hashable {
        public var file: StoredFile
        public var reason: String
    }

    /// The ordered deletions; `freeBytes` is the disk's free space now.
    public static func plan(files: [StoredFile], policy: RetentionPolicy, freeBytes: Int64,
                            activeEventIDs: Set<String>, now: Date) -> [Deletion] {
        let oldestFirst = files.sorted { ($0.created, $0.path) < ($1.created, $1.path) }
        var total = files.reduce(Int64(0)) { $0 + $1.bytes }
        var free = freeBytes
        var deletions: [Deletion] = []
        var kept: [StoredFile] = []
        for file in oldestFirst where !activeEventIDs.contains(file.eventID) {
            if let days = policy.maxAgeDays(file.kind), now.timeIntervalSince(file.created) > days * 86_400 {
                deletions.append(Deletion(file: file, reason: "older than \(ByteText.number(days)) \(days == 1 ? "day" : "days")"))
                total -= file.bytes
                free += file.bytes
            } else {
                kept.append(file)
            }
        }
        let order = kept.filter(\.uploaded) + kept.filter { !$0.uploaded }
        for file in order {
            let overCap = policy.maxTotalBytes.map { total > $0 } ?? false
            let lowDisk = free < policy.minFreeBytes
            guard overCap || lowDisk else { break }
            let why = overCap ? "over the \(ByteText.size(policy.maxTotalBytes!)) cap"
                              : "under \(ByteText.size(policy.minFreeBytes)) free"
            deletions.append(Deletion(file: file, reason: why + (file.uploaded ? ": uploaded first" : ": oldest")))
            total -= file.bytes
            free += file.bytes
        }
        return deletions
    }
}

/// Sizes and counts in the words of retention reasons: decimal units, at most one decimal.
enum ByteText {
    /// `10 GB`, `1.5 GB`, `500 MB`, `12 kB`, `900 bytes`.
    static func size(_ bytes: Int64) -> String {
        let units: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
        for (scale, unit) in units where Double(bytes) >= scale {
            return number(Double(bytes) / scale) + " " + unit
        }
        return "\(bytes) bytes"
    }

    /// `7`, `1.5`: one decimal at most, none when whole.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(format: "%.1f", rounded)
    }
}
