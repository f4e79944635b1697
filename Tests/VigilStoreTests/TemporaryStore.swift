import Foundation
import VigilCore
@testable import VigilStore

/// A fresh database file in its own temporary folder, removed when the test ends.
struct TemporaryStore {
    let folder: URL
    var path: String { folder.appendingPathComponent("vigil.sqlite").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func open() throws -> EventStore { try EventStore(path: path) }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// An event at `start` seconds after 1_795_000_000, with a readable id.
func makeEvent(_ id: String, camera: String = "yard", label: String = "person", start: TimeInterval,
               end: TimeInterval? = nil) -> Event {
    Event(id: id, camera: camera, label: label, topScore: 0.8,
          box: BoundingBox(left: 0.25, top: 0.5, width: 0.125, height: 0.25), zones: ["drive"],
          start: Date(timeIntervalSince1970: 1_795_000_000 + start),
          end: end.map { Date(timeIntervalSince1970: 1_795_000_000 + $0) })
}

func at(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: 1_795_000_000 + seconds) }
