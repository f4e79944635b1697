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
        registry.makeCounter(descriptor: .named("vigil_http_requests_total", help: "HTTP requests by route template, method and status"),
                             labels: [("route", route), ("method", method), ("status", "\(status)")]).increment()
        registry.makeDurationHistogram(descriptor: .named("vigil_http_request_duration_seconds", help: "HTTP request latency by route"),
                                       labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets).record(duration)
    }

    func inference(model: String, duration: Duration) {
        registry.makeDurationHistogram(descriptor: .named("vigil_inference_duration_seconds", help: "Decode-to-prediction time of one image, by model"),
                                       labels: [("model", model)], buckets: Self.latencyBuckets).record(duration)
    }

    func queue(running: Int, waiting: Int) {
        registry.makeGauge(descriptor: .named("vigil_inference_queue_depth", help: "Requests waiting for an inference worker")).set(Double(waiting))
        registry.makeGauge(descriptor: .named("vigil_inference_workers_busy", help: "Inference workers running")).set(Double(running))
    }

    func rejected() {
        registry.makeCounter(descriptor: .named("vigil_inference_rejected_total", help: "Requests refused with 503 because the queue was full")).increment()
    }

    func modelLoadError(model: String) {
        registry.makeCounter(descriptor: .named("vigil_model_load_errors_total", help: "Failed model (re)loads"), labels: [("model", model)]).increment()
    }

    public func text() -> String { registry.emitToString() }
}

extension MetricNameDescriptor {
    /// A descriptor for a fully qualified name: Vigil's metric names carry their `vigil_` namespace
    /// and unit suffix themselves (`vigil_http_requests_total`), so the name is used as it is.
    static func named(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
