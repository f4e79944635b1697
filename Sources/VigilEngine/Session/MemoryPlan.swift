/// Assigns every runtime value a byte offset in one arena so that values whose lifetimes
/// overlap never share bytes, reusing memory greedily by size (TFLite's greedy-by-size planner).
///
/// Lifetimes are node indices: a value lives from the step that writes it to the last step
/// that reads it, inclusive. Offsets are 64-byte aligned.
struct MemoryPlan {
    struct Request {
        var bytes: Int
        var first: Int
        var last: Int
    }

    static let alignment = 64

    let offsets: [Int]
    let totalBytes: Int

    init(_ requests: [Request]) {
        var offsets = [Int](repeating: 0, count: requests.count)
        var placed: [(offset: Int, end: Int, first: Int, last: Int)] = []
        let order = requests.indices.sorted { (requests[$0].bytes, $1) > (requests[$1].bytes, $0) }
        var total = 0
        for index in order {
            let request = requests[index]
            let size = MemoryPlan.aligned(max(request.bytes, 1))
            // Conflicting neighbours: those whose lifetime overlaps, by offset.
            let conflicts = placed
                .filter { $0.first <= request.last && request.first <= $0.last }
                .sorted { $0.offset < $1.offset }
            var candidate = 0
            for other in conflicts {
                if candidate + size <= other.offset { break }
                candidate = max(candidate, other.end)
            }
            offsets[index] = candidate
            placed.append((candidate, candidate + size, request.first, request.last))
            total = max(total, candidate + size)
        }
        self.offsets = offsets
        self.totalBytes = total
    }

    static func aligned(_ bytes: Int) -> Int { (bytes + alignment - 1) / alignment * alignment }
}
