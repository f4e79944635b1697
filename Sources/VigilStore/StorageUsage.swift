/// Bytes kept on disk for events, by kind of file.
public struct StorageUsage: Sendable, Hashable {
    /// Snapshots (plain and boxed JPEGs together).
    public var snapshotBytes: Int64
    /// Clips that are writing or finalized (removed clips take no space).
    public var clipBytes: Int64

    public init(snapshotBytes: Int64, clipBytes: Int64) {
        self.snapshotBytes = snapshotBytes
        self.clipBytes = clipBytes
    }

    public var totalBytes: Int64 { snapshotBytes + clipBytes }
}
