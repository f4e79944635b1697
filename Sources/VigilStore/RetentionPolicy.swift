/// How long event files are kept and how much room they may take.
///
/// Defaults: snapshots 30 days, clips 7 days, no total cap, at least 1 GB (10^9 bytes) left free
/// on the disk. Ages are in days of 86,400 seconds.
public struct RetentionPolicy: Sendable, Equatable {
    /// Snapshots older than this many days are deleted; nil keeps them. Default 30.
    public var snapshotMaxAgeDays: Double?
    /// Clips older than this many days are deleted; nil keeps them. Default 7.
    public var clipMaxAgeDays: Double?
    /// Event files may take at most this many bytes together; nil for no cap. Default nil.
    public var maxTotalBytes: Int64?
    /// Files are deleted while the disk has less free space than this. Default 1 GB.
    public var minFreeBytes: Int64

    public init(snapshotMaxAgeDays: Double? = 30, clipMaxAgeDays: Double? = 7, maxTotalBytes: Int64? = nil,
                minFreeBytes: Int64 = 1_000_000_000) {
        self.snapshotMaxAgeDays = snapshotMaxAgeDays
        self.clipMaxAgeDays = clipMaxAgeDays
        self.maxTotalBytes = maxTotalBytes
        self.minFreeBytes = minFreeBytes
    }

    /// The maximum age of a kind of file, in days.
    public func maxAgeDays(_ kind: MediaKind) -> Double? {
        switch kind {
        case .snapshot: snapshotMaxAgeDays
        case .clip: clipMaxAgeDays
        }
    }
}
