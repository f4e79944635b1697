import Foundation
import VigilPipeline

extension VigilConfiguration {
    /// `cameras[N].events`: nil when the section is absent.
    func readEvents(_ section: ConfigSection) throws -> (rules: EventRules, clips: Bool)? {
        guard section.isPresent else { return nil }
        var rules = EventRules()
        if let labels = try section.stringList("labels") { rules.labels = Set(labels) }
        if let score = try section.double("min_score", atLeast: 0) {
            guard score <= 1 else { throw section.fail("min_score", "\(score) is above 1") }
            rules.minProbability = score
        }
        if let frames = try section.int("min_frames", in: 1...10_000) { rules.minConsecutiveFrames = frames }
        if let quiet = try section.double("quiet_seconds", atLeast: 0) { rules.quietTime = quiet }
        if let cooldown = try section.double("cooldown_seconds", atLeast: 0) { rules.cooldown = cooldown }
        if let snapshots = try section.bool("snapshots") { rules.snapshots = snapshots }
        rules.zones = try section.entries("zones").map { name, zone in
            let texts = try zone.stringList("points") ?? []
            let points: [EventZone.Point] = try texts.map { text in
                let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard parts.count == 2, let x = parts[0], let y = parts[1], (0...1).contains(x), (0...1).contains(y) else {
                    throw zone.fail("points", "'\(text)' is not an `x,y` point with both in 0..1")
                }
                return EventZone.Point(x: x, y: y)
            }
            guard points.count >= 3 else { throw zone.fail("points", "a zone needs at least three points, got \(points.count)") }
            return EventZone(name: name, points: points)
        }
        return (rules, try section.bool("clips") ?? true)
    }

    mutating func readStorage(_ section: ConfigSection, baseDirectory: URL) throws {
        if let path = section.string("path") {
            storage.directory = URL(fileURLWithPath: path, relativeTo: baseDirectory).standardizedFileURL
        } else {
            storage.directory = baseDirectory.appendingPathComponent("vigil-data").standardizedFileURL
        }
        if let preRoll = try section.double("pre_roll", atLeast: 0) {
            guard preRoll <= 60 else { throw section.fail("pre_roll", "\(preRoll) s is over the 60 s the ring buffer keeps") }
            storage.clips.preRoll = preRoll
        }
        if let postRoll = try section.double("post_roll", atLeast: 0) { storage.clips.postRoll = postRoll }
        if let days = try section.double("snapshot_days", atLeast: 0) { storage.retention.snapshotMaxAgeDays = days }
        if let days = try section.double("clip_days", atLeast: 0) { storage.retention.clipMaxAgeDays = days }
        if let bytes = try section.int("max_bytes", in: 1...Int.max) {
            storage.retention.maxTotalBytes = Int64(bytes)
            server.storageCap = Int64(bytes)
        }
        if let bytes = try section.int("min_free_bytes", in: 0...Int.max) { storage.retention.minFreeBytes = Int64(bytes) }
    }
}
