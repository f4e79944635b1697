import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Synchronization

/// Publishes JSON messages through a Dapr sidecar's HTTP API
/// (`POST /v1.0/publish/<pubsub>/<topic>`, see https://docs.dapr.io/reference/api/pubsub_api/).
///
/// `publish` never blocks: messages wait in a bounded queue (oldest dropped and counted beyond
/// `queueCapacity`) that one sender thread drains in order, retrying a failed POST with
/// exponential backoff (0.5 s doubling to 30 s) so messages published while the sidecar is away
/// are delivered when it returns. The body is sent as `application/json`; the sidecar wraps it in
/// a CloudEvent whose `data` is the message object.
public final class DaprPublisher: Sendable {
    public struct Counters: Sendable, Equatable {
        public var delivered: UInt64 = 0
        public var dropped: UInt64 = 0
        public var failedAttempts: UInt64 = 0
        public var queued: Int = 0
    }

    private struct State {
        var queue: [Data] = []
        var counters = Counters()
        var stopping = false
    }

    public let configuration: DaprConfiguration
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    /// Signalled once by `stop`, so a backoff pause ends early (publishes must not cut it short).
    private let stopSignal = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let logger: Logger
    private let session: URLSession

    public init(configuration: DaprConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = 10
        session = URLSession(configuration: sessionConfiguration)
        let thread = Thread { [self] in
            sendLoop()
            finished.signal()
        }
        thread.name = "vigil.dapr"
        thread.start()
    }

    public var counters: Counters { state.withLock { var c = $0.counters; c.queued = $0.queue.count; return c } }

    /// Queues `json` for the sidecar.
    public func publish(_ json: String) {
        state.withLock { state in
            if state.queue.count >= configuration.queueCapacity {
                state.queue.removeFirst()
                state.counters.dropped += 1
            }
            state.queue.append(Data(json.utf8))
        }
        wake.signal()
    }

    /// Stops the sender after one last attempt at what is queued (bounded by `timeout` seconds).
    public func stop(timeout: Double = 2) {
        state.withLock { $0.stopping = true }
        wake.signal()
        stopSignal.signal()
        _ = finished.wait(timeout: .now() + timeout)
    }

    private func sendLoop() {
        var delay = 0.5
        while true {
            let (next, stopping) = state.withLock { ($0.queue.first, $0.stopping) }
            guard let body = next else {
                if stopping { return }
                wake.wait()
                continue
            }
            if post(body) {
                delay = 0.5
                state.withLock { state in
                    if !state.queue.isEmpty { state.queue.removeFirst() }
                    state.counters.delivered += 1
                }
            } else {
                state.withLock { $0.counters.failedAttempts += 1 }
                if stopping { return }
                if stopSignal.wait(timeout: .now() + delay) == .success { stopSignal.signal() }
                delay = min(delay * 2, 30)
            }
        }
    }

    private func post(_ body: Data) -> Bool {
        var request = URLRequest(url: configuration.publishURL)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        let done = DispatchSemaphore(value: 0)
        final class Outcome: @unchecked Sendable { var status = 0; var error: String? }
        let outcome = Outcome()
        session.dataTask(with: request) { _, response, error in
            outcome.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            outcome.error = error?.localizedDescription
            done.signal()
        }.resume()
        done.wait()
        if (200..<300).contains(outcome.status) { return true }
        logger.warning("dapr publish failed", metadata: [
            "url": "\(configuration.publishURL)", "status": "\(outcome.status)", "error": "\(outcome.error ?? "-")"])
        return false
    }
}
