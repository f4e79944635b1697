import Foundation

/// Locates `../shared` (models, media, tools) beside the project root.
///
/// Tests that need it call `SharedAssets.root` and skip with a message when it is absent;
/// `VIGIL_SHARED` overrides the location.
public enum SharedAssets {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `../shared`, or nil when it cannot be found.
    public static let root: URL? = {
        if let env = ProcessInfo.processInfo.environment["VIGIL_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("models").path) ? candidate : nil
    }()

    public static var isAvailable: Bool { root != nil }

    /// Message for tests that skip because ../shared is missing.
    public static let missingMessage = "../shared not found beside the project root (set VIGIL_SHARED): skipping"

    public static var models: URL? { root?.appendingPathComponent("models") }
    public static var media: URL? { root?.appendingPathComponent("media") }

    /// The Custom Vision export folders under models/customvision, sorted by name.
    public static func customVisionExports() -> [URL] {
        guard let dir = models?.appendingPathComponent("customvision") else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { dir.appendingPathComponent($0) }
    }

    /// The zoo model folders under models/zoo, sorted by name.
    public static func zooModels() -> [URL] {
        guard let dir = models?.appendingPathComponent("zoo") else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { dir.appendingPathComponent($0) }
    }

    /// Files in a folder (not recursive), sorted by name.
    public static func files(in dir: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { dir.appendingPathComponent($0) }
    }
}
