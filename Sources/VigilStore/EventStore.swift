import Foundation
import GRDB
import Logging

/// Vigil's local record of events, snapshots, clips and the upload outbox, in one SQLite file.
///
/// The file is opened as a GRDB `DatabasePool`, so SQLite runs in WAL mode: readers, in this
/// process or another one (the `vigil events` command beside a running `vigil run`), see the last
/// committed state while a writer works. Opening runs the append-only migrations that are not yet
/// applied (`EventStore.migrator`). Methods are synchronous and short; they block the calling
/// thread for one transaction. Thread-safe: share one instance per process.
public final class EventStore: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    private let logger: Logger

    /// Opens (creating if needed) the store at `path` and migrates it.
    ///
    /// `busyTimeout` is how long a write waits for another process's write to finish, in seconds
    /// (default 5).
    public init(path: String, busyTimeout: TimeInterval = 5, logger: Logger = Logger(label: "vigil.store")) throws {
        self.path = path
        self.logger = logger
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "vigil.store"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            let applied = try pool.read { try Self.migrator.appliedIdentifiers($0) }
            try Self.migrator.migrate(pool)
            let added = Self.migrator.migrations.filter { !applied.contains($0) }
            if !added.isEmpty {
                logger.info("event store migrated", metadata: ["path": "\(path)", "migrations": "\(added.joined(separator: ","))"])
            }
        } catch {
            throw EventStoreError.open(path, error)
        }
    }

    /// Identifiers of the migrations applied to the file, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { try Self.migrator.appliedMigrations($0) }
    }
}
