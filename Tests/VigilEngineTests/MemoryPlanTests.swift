import Testing
@testable import VigilEngine

/// The memory planner never lets two live values share bytes and reuses memory when it can.
@Suite struct MemoryPlanTests {
    @Test func overlappingLifetimes_neverShareBytes() {
        var state: UInt64 = 42
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % n }
        for _ in 0..<50 {
            let requests = (0..<30).map { _ -> MemoryPlan.Request in
                let first = next(40)
                return .init(bytes: 1 + next(5000), first: first, last: first + next(10))
            }
            let plan = MemoryPlan(requests)
            for i in requests.indices {
                #expect(plan.offsets[i] % MemoryPlan.alignment == 0)
                #expect(plan.offsets[i] + requests[i].bytes <= plan.totalBytes)
                for j in requests.indices where j > i {
                    let a = requests[i], b = requests[j]
                    guard a.first <= b.last && b.first <= a.last else { continue }
                    let disjoint = plan.offsets[i] + a.bytes <= plan.offsets[j] || plan.offsets[j] + b.bytes <= plan.offsets[i]
                    #expect(disjoint, "values \(i) and \(j) overlap in time and memory")
                }
            }
        }
    }

    @Test func chain_reusesTwoBuffers() {
        // A chain a -> b -> c -> d of equal sizes needs only two buffers.
        let requests = (0..<4).map { MemoryPlan.Request(bytes: 1024, first: $0, last: $0 + 1) }
        #expect(MemoryPlan(requests).totalBytes == 2048)
    }
}
