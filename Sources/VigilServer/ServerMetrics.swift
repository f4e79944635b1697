import Foundation
import Prometheus
import Synchronization

/// The server's Prometheus metrics, in one registry per server (`GET /metrics`).
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// Camera counts already added to the Prometheus counters, by metric and camera.
    let cameraCounts = Mutex<[String: UInt64]>([:])
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50),
        .milliseconds(100), .milliseconds(200), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
    ]

    public init() {}

    func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(name: "vigil_http_requests_total", labels: [("route", route), ("method", method), ("status", "\(status)")],
                             help: "HTTP requests by route template, method and status").increment()
        registry.makeDurationHistogram(name: "vigil_http_request_duration_seconds", labels: [("route", route), ("method", method)],
                                       buckets: Self.latencyBuckets, help: "HTTP request latency by route").record(duration)
    }

    func inference(model: String, duration: Duration) {
        registry.makeDurationHistogram(name: "vigil_inference_duration_seconds", labels: [("model", model)],
                                       buckets: Self.latencyBuckets, help: "Decode-to-prediction time of one image, by model").record(duration)
    }

    func queue(running: Int, waiting: Int) {
        registry.makeGauge(name: "vigil_inference_queue_depth", help: "Requests waiting for an inference worker").set(Double(waiting))
        registry.makeGauge(name: "vigil_inference_workers_busy", help: "Inference workers running").set(Double(running))
    }

    func rejected() {
        registry.makeCounter(name: "vigil_inference_rejected_total", help: "Requests refused with 503 because the queue was full").increment()
    }

    func modelLoadError(model: String) {
        registry.makeCounter(name: "vigil_model_load_errors_total", labels: [("model", model)], help: "Failed model (re)loads").increment()
    }

    public func text() -> String { registry.emitToString() }
}
