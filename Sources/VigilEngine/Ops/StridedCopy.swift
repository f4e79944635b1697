/// Copies elements of any type from a strided view of a source into a dense destination:
/// the one data-movement kernel behind Slice, Expand, Tile-free broadcasts and non-float Transpose.
///
/// `shape` is the destination shape; `strides` are the source strides in elements per destination
/// axis (0 for a broadcast axis, negative for a reversed slice); `offset` is the source element of
/// the destination's first element. Counters are preallocated, so one instance must not run
/// concurrently with itself.
final class StridedCopy: @unchecked Sendable {
    let shape: [Int]
    let strides: [Int]
    let offset: Int
    let elementSize: Int
    private let counters: UnsafeMutablePointer<Int>

    init(shape: [Int], strides: [Int], offset: Int, elementSize: Int) {
        precondition(shape.count == strides.count)
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.elementSize = elementSize
        counters = .allocate(capacity: max(shape.count, 1))
    }

    deinit { counters.deallocate() }

    /// source: the whole source tensor; destination: [shape]
    func run(source: UnsafeRawPointer, destination: UnsafeMutableRawPointer) {
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        let rank = shape.count
        if rank == 0 {
            destination.copyMemory(from: source + offset * elementSize, byteCount: elementSize)
            return
        }
        let inner = shape[rank - 1], innerStride = strides[rank - 1]
        for axis in 0..<rank { counters[axis] = 0 }
        var written = 0
        var base = offset
        while written < total {
            let src = source + base * elementSize
            let dst = destination + written * elementSize
            if innerStride == 1 {
                dst.copyMemory(from: src, byteCount: inner * elementSize)
            } else if elementSize == 4 {
                let s = src.assumingMemoryBound(to: UInt32.self), d = dst.assumingMemoryBound(to: UInt32.self)
                for i in 0..<inner { d[i] = s[i * innerStride] }
            } else {
                for i in 0..<inner {
                    (dst + i * elementSize).copyMemory(from: src + i * innerStride * elementSize, byteCount: elementSize)
                }
            }
            written += inner
            // Advance the outer counters.
            var axis = rank - 2
            while axis >= 0 {
                counters[axis] += 1
                base += strides[axis]
                if counters[axis] < shape[axis] { break }
                base -= strides[axis] * shape[axis]
                counters[axis] = 0
                axis -= 1
            }
        }
    }

    /// Dense C-order strides of a shape, in elements.
    static func denseStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }
}
