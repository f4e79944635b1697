import Foundation
import ServiceLifecycle
import VigilPipeline

/// Runs the camera pipelines as one service of the process's ServiceGroup: starts them, and on
/// graceful shutdown (SIGTERM/SIGINT) stops each one and waits for its thread.
///
/// With `endsWhenCamerasEnd` (the capture role, as the seed's module exits at the end of its
/// video) the service returns once every camera has ended or failed, which shuts the group down.
struct CameraService: Service {
    let pipelines: [CameraPipeline]
    let endsWhenCamerasEnd: Bool
    let onStop: @Sendable () -> Void

    func run() async throws {
        for pipeline in pipelines { pipeline.start() }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if endsWhenCamerasEnd, pipelines.allSatisfy({ [.ended, .failed].contains($0.status.state) }) { return }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        // Joining the camera threads blocks; keep it off the cooperative pool.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                for pipeline in pipelines { pipeline.stop() }
                onStop()
                continuation.resume()
            }
        }
    }
}
