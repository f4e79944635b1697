import Foundation
import Synchronization

/// A fixed set of helper threads for `ParallelContext.forEach` that spin briefly between jobs.
///
/// One inference forks dozens of times, each for tens of microseconds of work. Waking a sleeping
/// thread for each fork (as `DispatchQueue.concurrentPerform` does) costs about as much on this
/// project's 2-vCPU VMs: two 16 µs halves took 48–56 µs there against 33 µs run serially. So the
/// helpers spin on a generation counter for `spinDuration` after each job, as ONNX Runtime's pool
/// does, and only then park on a condition variable; a fork that finds them spinning starts at once.
///
/// One fork runs at a time; a caller that finds the pool busy (another session on the same thread
/// count, or a nested fork) gets `false` from `run` and falls back to `concurrentPerform`.
/// Pools live for the whole process, one per thread count (`shared(threads:)`).
final class WorkerThreads: @unchecked Sendable {
    /// How long an idle helper spins (yielding) before it parks.
    static let spinDuration: UInt64 = 200_000  // ns

    /// Helper threads; the caller is worker 0.
    let helpers: Int
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    /// The current job and its worker count: written by the caller before it bumps `generation`
    /// (release), read by helpers after they see the bump (acquire).
    private nonisolated(unsafe) var job: ((Int) -> Void)?
    private nonisolated(unsafe) var workers = 0
    private let parking = NSCondition()

    private static let pools = Mutex<[Int: WorkerThreads]>([:])

    /// The process's pool for `threads` threads (threads - 1 helpers), started on first use.
    static func shared(threads: Int) -> WorkerThreads {
        pools.withLock { pools in
            if let pool = pools[threads] { return pool }
            let pool = WorkerThreads(helpers: threads - 1)
            pools[threads] = pool
            return pool
        }
    }

    private init(helpers: Int) {
        self.helpers = helpers
        guard helpers >= 1 else { return }
        for index in 1...helpers {
            // Pools are never released (see `shared`), so the threads may hold them strongly.
            let thread = Thread { self.helperLoop(index) }
            thread.name = "vigil-kernel-\(index)"
            thread.start()
        }
    }

    /// Runs `body(worker)` for worker in 0..<workers (at most helpers + 1), worker 0 on the calling
    /// thread, and returns true when all are done; returns false at once, running nothing, when
    /// the pool is already running a job.
    func run(workers: Int, _ body: (Int) -> Void) -> Bool {
        precondition(workers >= 1 && workers <= helpers + 1, "WorkerThreads: \(workers) workers for \(helpers) helpers")
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        withoutActuallyEscaping(body) { body in
            job = body
            self.workers = workers
            pending.store(helpers, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            parking.lock()
            parking.broadcast()
            parking.unlock()
            body(0)
            while pending.load(ordering: .acquiring) > 0 { sched_yield() }
            job = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    private func helperLoop(_ index: Int) {
        var seen = 0
        while true {
            var current = generation.load(ordering: .acquiring)
            if current == seen {
                let spinEnd = DispatchTime.now().uptimeNanoseconds + Self.spinDuration
                while current == seen && DispatchTime.now().uptimeNanoseconds < spinEnd {
                    sched_yield()
                    current = generation.load(ordering: .acquiring)
                }
                if current == seen {
                    parking.lock()
                    while generation.load(ordering: .acquiring) == seen { parking.wait() }
                    parking.unlock()
                    current = generation.load(ordering: .acquiring)
                }
            }
            seen = current
            if index < workers, let job { job(index) }
            pending.subtract(1, ordering: .releasing)
        }
    }
}
