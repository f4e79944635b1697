/// How Pad fills the new cells (ONNX Pad modes).
public enum PadMode: Sendable, Hashable {
    case constant(Float)
    /// Mirror without repeating the edge: [1 2 3] -> [3 2 | 1 2 3 | 2 1].
    case reflect
    /// Repeat the edge value.
    case edge
    /// Continue periodically from the other side.
    case wrap
}

/// An N-d Pad planned at prepare time (ONNX Pad, all axes).
///
/// `pads` holds the begin pads of every axis, then the end pads; negative pads crop. As in ONNX
/// Runtime, cropping happens first and the non-constant modes reflect, repeat or wrap the cropped
/// tensor. The plan stores, per axis, which input index each output index reads (or -1 for the
/// constant), so `run` is a walk over output rows with a straight copy in the middle of each row.
/// `run` allocates nothing and may run on several threads. See https://onnx.ai/onnx/operators/onnx__Pad.html
public final class PadPlan: @unchecked Sendable {
    public let outputShape: [Int]
    let inputShape: [Int]
    let fill: Float
    /// For each axis, the input index each output index reads, or -1 for the fill value; axis a
    /// starts at `sourceStarts[a]`.
    let sources: [Int]
    let sourceStarts: [Int]
    /// Last axis: output indices low..<high read input indices from `middleStart` on, contiguously.
    let middleLow, middleHigh, middleStart: Int

    public init(shape: [Int], pads: [Int], mode: PadMode) {
        let rank = shape.count
        precondition(pads.count == 2 * rank, "PadPlan: \(pads.count) pads for \(rank) axes")
        precondition(shape.allSatisfy { $0 >= 0 }, "PadPlan: negative size in \(shape)")
        inputShape = shape
        var isConstant = false
        if case .constant(let value) = mode {
            fill = value
            isConstant = true
        } else {
            fill = 0
        }
        var outputShape: [Int] = [], sources: [Int] = [], sourceStarts: [Int] = []
        for axis in 0..<rank {
            let size = shape[axis], begin = pads[axis], end = pads[rank + axis]
            let cropBegin = max(0, -begin), kept = size - cropBegin - max(0, -end)
            precondition(kept >= 0, "PadPlan: pads \(begin), \(end) crop more than axis \(axis) of size \(size)")
            let length = size + begin + end
            precondition(
                isConstant || kept > 0 || length == 0,
                "PadPlan: \(mode) padding needs a non-empty axis \(axis)")
            outputShape.append(length)
            sourceStarts.append(sources.count)
            for index in 0..<length {
                var j = index - max(0, begin)
                if j < 0 || j >= kept {
                    switch mode {
                    case .constant: j = -1
                    case .edge: j = min(max(j, 0), kept - 1)
                    case .wrap: j = ((j % kept) + kept) % kept
                    case .reflect:
                        if kept == 1 {
                            j = 0
                        } else {
                            let period = 2 * (kept - 1)
                            j = ((j % period) + period) % period
                            if j >= kept { j = period - j }
                        }
                    }
                }
                sources.append(j < 0 ? -1 : cropBegin + j)
            }
        }
        self.outputShape = outputShape
        self.sources = sources
        self.sourceStarts = sourceStarts
        // The longest run of the last axis reading consecutive input cells.
        var best = (low: 0, high: 0)
        if let last = outputShape.last, last > 0 {
            let start = sourceStarts[rank - 1]
            var low = 0
            for index in 1...last {
                let continues = index < last && sources[start + index - 1] >= 0
                    && sources[start + index] == sources[start + index - 1] + 1
                if !continues {
                    if sources[start + low] >= 0 && index - low > best.high - best.low { best = (low, index) }
                    low = index
                }
            }
        }
        middleLow = best.low
        middleHigh = best.high
        middleStart = rank > 0 && best.high > best.low ? sources[sourceStarts[rank - 1] + best.low] : 0
    }

    public func run(
        input: UnsafePointer<Float>,  // input [shape]
        output: UnsafeMutablePointer<Float>  // output [outputShape]
    ) {
        let rank = outputShape.count
        if rank == 0 {
            output[0] = input[0]
            return
        }
        let total = outputShape.reduce(1, *)
        if total == 0 { return }
        let length = outputShape[rank - 1]
        if inputShape.contains(0) {
            output.update(repeating: fill, count: total)
            return
        }
        sources.withUnsafeBufferPointer { sources in
            sourceStarts.withUnsafeBufferPointer { starts in
                outputShape.withUnsafeBufferPointer { outputShape in
                    inputShape.withUnsafeBufferPointer { inputShape in
                        withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { counters in
                            counters.initialize(repeating: 0)
                            let last = sources.baseAddress! + starts[rank - 1]
                            var outputOffset = 0
                            while outputOffset < total {
                                // Input row of this output row, or none when an outer axis reads the fill.
                                var inputOffset = 0, isFill = false
                                for axis in 0..<(rank - 1) {
                                    let source = sources[starts[axis] &+ counters[axis]]
                                    if source < 0 { isFill = true }
                                    inputOffset = inputOffset &* inputShape[axis] &+ source
                                }
                                let target = output + outputOffset
                                if isFill {
                                    target.update(repeating: fill, count: length)
                                } else {
                                    let row = input + inputOffset &* inputShape[rank - 1]
                                    for index in 0..<middleLow { target[index] = last[index] < 0 ? fill : row[last[index]] }
                                    (target + middleLow).update(from: row + middleStart, count: middleHigh - middleLow)
                                    for index in middleHigh..<length { target[index] = last[index] < 0 ? fill : row[last[index]] }
                                }
                                outputOffset &+= length
                                var axis = rank - 2
                                while axis >= 0 {
                                    counters[axis] &+= 1
                                    if counters[axis] < outputShape[axis] { break }
                                    counters[axis] = 0
                                    axis -= 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
