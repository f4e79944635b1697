import Synchronization
import VigilPipeline
import VigilStore

/// Per-camera metrics: frames read, scored and dropped, reconnects, scoring latency, and whether
/// the camera streams. Counters follow the cameras' own counts, brought up to date at each scrape.
extension ServerMetrics {
    /// Brings the camera counters up to the statuses' counts (called when `/metrics` is scraped).
    public func cameras(_ statuses: [CameraStatus]) {
        for status in statuses {
            let labels = [("camera", status.camera)]
            let counts: [(String, String, UInt64)] = [
                ("vigil_camera_frames_read_total", "Frames decoded from the camera's source", status.framesRead),
                ("vigil_camera_frames_scored_total", "Frames scored by the model", status.framesScored),
                ("vigil_camera_frames_dropped_total", "Frames not scored (the model or the fps limit was slower than the source)", status.framesDropped),
                ("vigil_camera_scoring_failures_total", "Frames whose scoring failed", status.scoringFailures),
                ("vigil_camera_reconnects_total", "Times the camera's source was reopened after a failure", status.reconnects),
            ]
            for (name, help, value) in counts {
                let reported = cameraCounts.withLock { counts -> UInt64 in
                    let key = "\(name)|\(status.camera)"
                    let previous = counts[key] ?? 0
                    counts[key] = max(previous, value)
                    return previous
                }
                if value > reported {
                    registry.makeCounter(descriptor: .named(name, help: help), labels: labels).increment(by: Int64(value - reported))
                } else {
                    _ = registry.makeCounter(descriptor: .named(name, help: help), labels: labels)
                }
            }
            registry.makeGauge(descriptor: .named("vigil_camera_streaming", help: "1 while the camera delivers frames"), labels: labels)
                .set(Double(status.state == .streaming ? 1 : 0))
            registry.makeGauge(descriptor: .named("vigil_camera_fps", help: "Frames per second read (in) and scored (out)"), labels: labels + [("stage", "in")])
                .set(status.inputFPS)
            registry.makeGauge(descriptor: .named("vigil_camera_fps", help: "Frames per second read (in) and scored (out)"), labels: labels + [("stage", "out")])
                .set(status.outputFPS)
        }
    }

    /// Records one scored frame's scoring time.
    public func cameraScored(camera: String, seconds: Double) {
        registry.makeDurationHistogram(descriptor: .named("vigil_camera_inference_duration_seconds", help: "Scoring time of one camera frame"),
                                       labels: [("camera", camera)], buckets: Self.latencyBuckets)
            .record(.nanoseconds(Int64(seconds * 1e9)))
    }
}

extension ServerMetrics {
    /// Bytes of snapshots and clips kept on the device (brought up to date at each scrape).
    public func storage(_ usage: StorageUsage) {
        for (kind, bytes) in [("snapshot", usage.snapshotBytes), ("clip", usage.clipBytes)] {
            registry.makeGauge(descriptor: .named("vigil_storage_bytes", help: "Bytes of event snapshots and clips stored"), labels: [("kind", kind)])
                .set(Double(bytes))
        }
    }
}

/// Events, clips, uploads and retention.
extension ServerMetrics {
    public func eventStarted(camera: String) {
        registry.makeCounter(descriptor: .named("vigil_events_started_total", help: "Events started"), labels: [("camera", camera)]).increment()
    }

    public func clipWritten(camera: String, bytes: Int) {
        registry.makeCounter(descriptor: .named("vigil_clips_written_total", help: "Clips finalized"), labels: [("camera", camera)]).increment()
        registry.makeCounter(descriptor: .named("vigil_clip_bytes_written_total", help: "Bytes of clips finalized"), labels: [("camera", camera)])
            .increment(by: Int64(bytes))
    }

    public func retentionDeleted(kind: String) {
        registry.makeCounter(descriptor: .named("vigil_retention_deletions_total", help: "Files deleted by retention"), labels: [("kind", kind)]).increment()
    }

    /// Upload journal counts by state (brought up to date at each scrape).
    public func uploads(pending: Int, done: Int, failed: Int) {
        registry.makeGauge(descriptor: .named("vigil_upload_queue_depth", help: "Uploads waiting or in progress")).set(Double(pending))
        registry.makeGauge(descriptor: .named("vigil_uploads_done", help: "Uploads confirmed by their target")).set(Double(done))
        registry.makeGauge(descriptor: .named("vigil_uploads_failed", help: "Uploads given up on (see vigil uploads for the reason)")).set(Double(failed))
    }
}
