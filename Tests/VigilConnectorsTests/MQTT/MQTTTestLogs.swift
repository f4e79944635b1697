import Foundation
import Logging

/// A swift-log handler that keeps every line, so tests can read what the client logged.
final class MQTTTestLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var captured: [String] = []

    /// A logger writing here (and nowhere else), at trace level.
    var logger: Logger {
        var logger = Logger(label: "vigil.mqtt.test") { _ in MQTTTestLogHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Every line so far: level, message and metadata.
    var lines: [String] { lock.withLock { captured } }

    fileprivate func append(_ line: String) { lock.withLock { captured.append(line) } }
}

private struct MQTTTestLogHandler: LogHandler {
    let capture: MQTTTestLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append("\(event.level) \(event.message) \(rendered)")
    }
}
