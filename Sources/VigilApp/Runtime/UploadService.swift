import Foundation
import Logging
import ServiceLifecycle
import VigilConnectors

/// Runs the uploader as a service of the process's group until graceful shutdown.
///
/// Items live in a journal (`uploads.json` under storage.path, written atomically and fsynced)
/// before they are attempted, so uploads resume after a crash or a restart.
struct UploadService: Service {
    let uploader: Uploader

    func run() async throws {
        await cancelWhenGracefulShutdown { await uploader.run() }
    }

    /// The journal file of a storage folder.
    static func journalURL(_ storage: EventStorageConfiguration) -> URL {
        storage.directory.appendingPathComponent("uploads.json")
    }

    /// An uploader over the configured targets, or nil when there are none.
    static func make(_ settings: UploadSettings, storage: EventStorageConfiguration, logger: Logger) throws -> Uploader? {
        guard !settings.targets.isEmpty else { return nil }
        try FileManager.default.createDirectory(at: storage.directory, withIntermediateDirectories: true)
        let targets = try settings.targets.map { try $0.resolve(logger: logger) }
        return try Uploader(configuration: settings.uploader, targets: targets,
                            journal: try FileUploadJournal(url: journalURL(storage)), logger: logger)
    }
}
