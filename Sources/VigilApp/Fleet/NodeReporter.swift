import Foundation
import ServiceLifecycle
import Synchronization
import VigilPipeline

/// Publishes this node's report (``NodeReport``) when the server is up, then every
/// `interval`, until the service group shuts down.
struct NodeReporter: Service {
    static let interval: Duration = .seconds(5)

    let report: @Sendable () -> String?
    let publish: @Sendable (String) -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if let json = report() { publish(json) }
                try? await Task.sleep(for: Self.interval)
            }
        }
    }
}
