import Dispatch
import Synchronization
import Testing
@testable import VigilKernels

/// `forEach` visits every index exactly once, through the spinning pool, its busy fallback and nesting.
@Suite struct ParallelContextTests {
    /// Counts visits per index under a lock, so a lost or doubled index shows.
    final class Visits: Sendable {
        let counts: Mutex<[Int]>
        init(_ count: Int) { counts = Mutex(Array(repeating: 0, count: count)) }
        func visit(_ index: Int) { counts.withLock { $0[index] += 1 } }
        var all: [Int] { counts.withLock { $0 } }
    }

    @Test(arguments: [2, 3, 8])
    func forEach_visitsEveryIndexOnceAcrossManyForks(_ threads: Int) {
        let parallel = ParallelContext(threads: threads)
        for count in [0, 1, 2, 5, 64] {
            let visits = Visits(count)
            for _ in 0..<2_000 { parallel.forEach(count) { visits.visit($0) } }
            #expect(visits.all == Array(repeating: 2_000, count: count), "count \(count)")
        }
    }

    /// A fork inside a fork finds the pool busy and falls back to libdispatch; nothing is lost.
    @Test func forEach_nestedForkFallsBack() {
        let parallel = ParallelContext(threads: 2)
        let visits = Visits(16)
        parallel.forEach(4) { outer in
            parallel.forEach(4) { inner in visits.visit(outer * 4 + inner) }
        }
        #expect(visits.all == Array(repeating: 1, count: 16))
    }

    /// Two sessions sharing one pool from two threads at once: one gets it, the other falls back.
    @Test func forEach_concurrentCallersShareThePool() {
        let parallel = ParallelContext(threads: 2)
        let visits = Visits(2 * 32)
        DispatchQueue.concurrentPerform(iterations: 2) { caller in
            for _ in 0..<500 { parallel.forEach(32) { visits.visit(caller * 32 + $0) } }
        }
        #expect(visits.all == Array(repeating: 500, count: 64))
    }

    /// Helpers park after spinning; a fork after that wakes them.
    @Test func forEach_wakesParkedHelpers() async throws {
        let parallel = ParallelContext(threads: 2)
        let visits = Visits(8)
        parallel.forEach(8) { visits.visit($0) }
        try await Task.sleep(for: .milliseconds(5))  // well past WorkerThreads.spinDuration
        parallel.forEach(8) { visits.visit($0) }
        #expect(visits.all == Array(repeating: 2, count: 8))
    }
}
