import CBLAS
import Dispatch

/// How many threads a kernel may use for its own loops.
///
/// Kernels split independent work (planes, rows, GEMM slices) with `forEach`; OpenBLAS itself runs
/// single-threaded inside them (see `gemm(..., parallel:)`). With `threads == 1` everything runs on
/// the caller's thread.
public struct ParallelContext: Sendable {
    /// Number of workers `forEach` spreads its indices over (at least 1).
    public let threads: Int
    /// The process's spinning helpers for this thread count (nil for one thread).
    let pool: WorkerThreads?

    public init(threads: Int) {
        precondition(threads >= 1, "ParallelContext needs at least one thread, got \(threads)")
        self.threads = threads
        pool = threads > 1 ? WorkerThreads.shared(threads: threads) : nil
    }

    /// Runs everything on the calling thread.
    public static let serial = ParallelContext(threads: 1)

    /// Calls `body` once for every index in `0..<count` and returns when all calls are done.
    ///
    /// Indices are cut into `threads` contiguous blocks, one per worker: the calling thread and the
    /// pool's spinning helpers (`WorkerThreads`), or `DispatchQueue.concurrentPerform` when the pool
    /// is busy. `body` must only write memory no other index writes.
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        if threads == 1 || count <= 1 {
            for index in 0..<count { body(index) }
            return
        }
        let workers = Swift.min(threads, count)
        let block = { (worker: Int) in
            let start = count * worker / workers
            let end = count * (worker + 1) / workers
            for index in start..<end { body(index) }
        }
        if let pool, pool.run(workers: workers, block) { return }
        // concurrentPerform wants a @Sendable closure; `body` only writes disjoint memory per index
        // (the contract above) and does not outlive this call.
        withoutActuallyEscaping(block) { block in
            nonisolated(unsafe) let block = block
            DispatchQueue.concurrentPerform(iterations: workers) { worker in block(worker) }
        }
    }
}

/// The number of threads OpenBLAS uses for every `gemm` in the process.
public enum BLASThreads {
    /// Sets OpenBLAS's thread count (process-wide; call at start-up, not while GEMMs run).
    public static func set(_ n: Int) {
        precondition(n >= 1, "BLAS thread count must be at least 1, got \(n)")
        openblas_set_num_threads(Int32(n))
    }
}
