import Foundation
import VigilMedia
import VigilStore

/// Where events, snapshots and clips are kept and for how long (the `storage` section).
public struct EventStorageConfiguration: Sendable, Equatable {
    /// The folder holding `events.sqlite`, `snapshots/` and `clips/`. Default: `vigil-data` beside the config file.
    public var directory: URL
    /// Pre- and post-roll of clips (defaults 5 s / 5 s).
    public var clips = ClipConfiguration()
    /// Deletion by age per kind, total size and free space (defaults: snapshots 30 days, clips 7 days, 1 GB free).
    public var retention = RetentionPolicy()

    public init(directory: URL) { self.directory = directory }

    public var databasePath: String { directory.appendingPathComponent("events.sqlite").path }
    public var snapshotsDirectory: URL { directory.appendingPathComponent("snapshots") }
    public var clipsDirectory: URL { directory.appendingPathComponent("clips") }
}
