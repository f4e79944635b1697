import VigilImage
import VigilPipeline
import VigilServer

/// Records each scored frame's scoring time in the server's Prometheus registry.
struct MetricsSink: PipelineSink {
    let metrics: ServerMetrics

    func deliver(_ frame: ScoredFrame, image: RGBImage) {
        metrics.cameraScored(camera: frame.camera, seconds: frame.scoringSeconds)
    }
}
