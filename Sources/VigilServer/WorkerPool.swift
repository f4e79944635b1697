import Dispatch
import Synchronization

/// Runs blocking inference off the cooperative thread pool with bounded concurrency: at most
/// `workers` jobs run at once, at most `queueLimit` wait, and any more are refused at once (the
/// server answers 503 with Retry-After instead of piling up memory). Camera threads take the same
/// slots with `runBlocking`, waiting their turn instead of being refused.
public final class WorkerPool: Sendable {
    public struct Overloaded: Error {}

    private struct State {
        var running = 0
        var waiting: [Waiter] = []
    }

    /// A job waiting for a slot: an async request or a blocked camera thread.
    private enum Waiter {
        case task(UnsafeContinuation<Void, Never>)
        case thread(DispatchSemaphore)

        func resume() {
            switch self {
            case .task(let continuation): continuation.resume()
            case .thread(let semaphore): semaphore.signal()
            }
        }
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

    /// Runs `body` on the calling thread once a slot is free, waiting as long as it takes (camera
    /// threads: a frame waits for a worker; the source meanwhile keeps only its newest frame).
    /// Never call it from the cooperative pool.
    public func runBlocking<T>(_ body: () throws -> T) rethrows -> T {
        let semaphore: DispatchSemaphore? = state.withLock { state in
            if state.running < workers { state.running += 1; return nil }
            let semaphore = DispatchSemaphore(value: 0)
            state.waiting.append(.thread(semaphore))
            return semaphore
        }
        semaphore?.wait()
        defer { release() }
        return try body()
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
                    state.waiting.append(.task(continuation))
                    return false
                }
                if startNow { continuation.resume() }
            }
        }
    }

    private func release() {
        // Hand the slot straight to the next waiter, or free it.
        let next: Waiter? = state.withLock { state in
            if state.waiting.isEmpty { state.running -= 1; return nil }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
