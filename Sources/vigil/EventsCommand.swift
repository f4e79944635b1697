import ArgumentParser
import Foundation
import VigilApp
import VigilConnectors
import VigilCore
import VigilStore

/// `vigil events`: the events a running (or stopped) `vigil run` stored, read from its database.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List stored events (id, camera, label, top score, start, end, snapshot and clip, upload state).",
        discussion: "Reads the event database of the configuration's storage.path; safe while vigil run writes it (SQLite WAL).")

    @Option(help: "The configuration file whose storage to read (default: $VIGIL_CONFIG, else ./vigil.yaml).")
    var config: String?

    @Option(help: "Only this camera.") var camera: String?
    @Option(help: "Only this label.") var label: String?
    @Option(help: "At most this many, newest first.") var limit = 50
    @Flag(help: "One JSON object per line.") var json = false

    func run() throws {
        let (store, storage) = try Console.attempt { try StoreLocator.open(config: config) }
        let events = try Console.attempt { try store.events(EventFilter(camera: camera, label: label, limit: limit)) }
        let uploads = try Console.attempt { try StoreLocator.uploads(storage) }
        for event in events {
            let clip = try Console.attempt { try store.clips(eventID: event.id).last }
            let snapshot = try Console.attempt { try store.snapshot(eventID: event.id) }
            let states = uploads.filter { upload in upload.file == clip?.path || upload.file == snapshot?.path }
                .map { "\($0.target):\(StoreLocator.describe($0.state))" }
            if json {
                var line = event.jsonString()
                line.removeLast()
                line += ",\"snapshot_path\":" + (snapshot.map { JSONText.string($0.path) } ?? "null")
                line += ",\"clip_path\":" + (clip.map { JSONText.string($0.path) } ?? "null")
                line += ",\"clip_state\":" + (clip.map { JSONText.string($0.state.rawValue) } ?? "null")
                line += ",\"uploads\":[" + states.map(JSONText.string).joined(separator: ",") + "]}"
                print(line)
            } else {
                let end = event.end.map { ISO8601DateFormatter().string(from: $0) } ?? "active"
                print("\(event.id)  \(event.camera)  \(event.label)  \(String(format: "%.3f", event.topScore))  "
                      + "\(ISO8601DateFormatter().string(from: event.start)) → \(end)  "
                      + "snapshot: \(snapshot?.path ?? "-")  clip: \(clip.map { "\($0.path) (\($0.state.rawValue))" } ?? "-")  "
                      + "uploads: \(states.isEmpty ? "-" : states.joined(separator: " "))")
            }
        }
    }
}

/// `vigil uploads`: the upload outbox of the event database.
struct UploadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uploads",
        abstract: "Show the upload outbox: each file, its target, state, attempts and last error.")

    @Option(help: "The configuration file whose storage to read (default: $VIGIL_CONFIG, else ./vigil.yaml).")
    var config: String?

    @Flag(help: "One JSON object per line.") var json = false

    func run() throws {
        let (_, storage) = try Console.attempt { try StoreLocator.open(config: config) }
        for upload in try Console.attempt({ try StoreLocator.uploads(storage) }) {
            let state = StoreLocator.describe(upload.state)
            if json {
                print("{\"id\":\(JSONText.string(upload.id)),\"path\":\(JSONText.string(upload.file)),\"target\":\(JSONText.string(upload.target)),"
                      + "\"object\":\(JSONText.string(upload.objectName)),\"state\":\(JSONText.string(state)),\"bytes\":\(upload.size),"
                      + "\"attempts\":\(upload.attempts),\"last_error\":\(upload.lastError.map(JSONText.string) ?? "null")}")
            } else {
                print("\(upload.id)  \(state)  \(upload.target)  \(upload.objectName)  \(upload.file)  attempts: \(upload.attempts)"
                      + (upload.lastError.map { "  last error: \($0)" } ?? ""))
            }
        }
    }
}

/// Opens the event database and upload journal named by a configuration's `storage.path`.
enum StoreLocator {
    static func open(config: String?) throws -> (EventStore, EventStorageConfiguration) {
        let path = config ?? ProcessInfo.processInfo.environment["VIGIL_CONFIG"] ?? "vigil.yaml"
        let configuration = try VigilConfiguration.load(file: URL(fileURLWithPath: path)).configuration
        let database = configuration.storage.databasePath
        guard FileManager.default.fileExists(atPath: database) else {
            throw ConfigError("storage.path", "no event database at \(database) (no camera of this configuration has recorded events yet)")
        }
        return (try EventStore(path: database), configuration.storage)
    }

    /// The upload journal (empty when nothing was ever queued); read-only, safe while vigil runs.
    static func uploads(_ storage: EventStorageConfiguration) throws -> [UploadItem] {
        let url = storage.directory.appendingPathComponent("uploads.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try FileUploadJournal(url: url).load()
    }

    static func describe(_ state: UploadState) -> String {
        switch state {
        case .pending: "pending"
        case .uploading: "uploading"
        case .done: "done"
        case .failed(let reason): "failed: \(reason)"
        }
    }
}
