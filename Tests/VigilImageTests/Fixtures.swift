import Foundation
import VigilTestSupport

/// The committed test fixtures (Fixtures/, copied into the test bundle) and the shared samples.
enum Fixtures {
    static var root: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(relativePath))
    }

    /// The distinct sample images of the Custom Vision exports (51; files repeated across
    /// exports counted once), or nil when ../shared is missing.
    static func distinctSamples() -> [(name: String, data: Data)]? {
        guard SharedAssets.isAvailable else { return nil }
        var seen = Set<Data>()
        var result: [(name: String, data: Data)] = []
        for export in SharedAssets.customVisionExports() {
            for file in SharedAssets.files(in: export.appendingPathComponent("samples")) {
                guard let data = try? Data(contentsOf: file), seen.insert(data).inserted else { continue }
                result.append((file.lastPathComponent, data))
            }
        }
        return result
    }
}
