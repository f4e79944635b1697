import Dispatch
import Synchronization

/// Runs blocking inference off the cooperative thread pool with bounded concurrency: at most
/// `workers` jobs run at once, at most `queueLimit` wait, and any more are refused at once (the
/// server answers 503 with Retry-After instead of piling up memory).
public final class WorkerPool: Sendable {
    public struct Overloaded: Error {}

    private struct State {
        var running = 0
        var waiting: [UnsafeContinuation<Void, Never>] = []
    }

    public let workers: Int
    public let queueLimit: Int
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "vigil.inference", attributes: .concurrent)

    public init(workers: Int, queueLimit: Int) {
        self.workers = max(1, workers)
        self.queueLimit = max(0, queueLimit)
    }

    /// Jobs running and waiting now.
    public var load: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.waiting.count) } }

    /// Runs `body` on an inference thread once a worker is free; throws `Overloaded` when the queue is full.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private func acquire() async throws {
        enum Decision { case go, wait, refuse }
        // Decide and enqueue under one lock so a release in between cannot be missed.
        let decision: Decision = state.withLock { state in
            if state.running < workers { state.running += 1; return .go }
            return state.waiting.count < queueLimit ? .wait : .refuse
        }
        switch decision {
        case .go: return
        case .refuse: throw Overloaded()
        case .wait:
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let startNow: Bool = state.withLock { state in
                    if state.running < workers { state.running += 1; return true }
                    state.waiting.append(continuation)
                    return false
                }
                if startNow { continuation.resume() }
            }
        }
    }

    private func release() {
        // Hand the slot straight to the next waiter, or free it.
        let next: UnsafeContinuation<Void, Never>? = state.withLock { state in
            if state.waiting.isEmpty { state.running -= 1; return nil }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
