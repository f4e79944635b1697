import VigilConnectors
import VigilImage
import VigilPipeline

/// Sends every scored frame's message to the Dapr sidecar.
struct DaprSink: PipelineSink {
    let publisher: DaprPublisher

    func deliver(_ frame: ScoredFrame, image: RGBImage) {
        publisher.publish(frame.messageJSON())
    }
}
