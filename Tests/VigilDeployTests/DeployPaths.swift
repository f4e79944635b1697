import Foundation
import VigilTestSupport

/// Where the deployment files live in the repository.
enum DeployPaths {
    static let root = SharedAssets.packageRoot
    static func file(_ relative: String) -> URL { root.appendingPathComponent(relative) }
}
