#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Reductions of the ONNX Reduce* family.
public enum ReduceOp: Sendable, Hashable { case sum, mean, max, min, prod, sumSquare, l1, l2, logSumExp }

/// A reduction over some axes planned at prepare time (ONNX ReduceSum, ReduceMean, ...).
///
/// Axes come normalised (sorted, non-negative, unique); the output keeps them as size 1 and the caller
/// reshapes for keepdims = 0. An empty axis list reduces nothing (each output is the op applied to one
/// element). The plan drops size-1 axes and merges neighbours of the same kind. When the innermost
/// axis is reduced each output reduces contiguous runs, eight lanes at a time; when it is kept, eight
/// neighbouring outputs are reduced side by side. LogSumExp subtracts the maximum first. Reducing an
/// empty set gives the identity (0, 1, -inf or +inf). `run` allocates nothing and may run on several
/// threads. See https://onnx.ai/onnx/operators/onnx__ReduceSum.html
public final class ReducePlan: @unchecked Sendable {
    public let outputShape: [Int]
    let op: ReduceOp
    let outputCount: Int
    /// Number of input elements behind each output.
    let reducedCount: Int
    /// Whether the innermost merged axis is reduced (else kept).
    let innerReduced: Bool
    /// Length of the innermost merged axis (contiguous in the input).
    let innerLength: Int
    /// Kept and reduced merged axes other than the innermost one, with their input strides.
    let keptSizes: [Int], keptStrides: [Int]
    let reducedSizes: [Int], reducedStrides: [Int]

    public init(_ op: ReduceOp, shape: [Int], axes: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "ReducePlan: negative size in \(shape)")
        precondition(
            axes == axes.sorted() && Set(axes).count == axes.count && axes.allSatisfy { $0 >= 0 && $0 < shape.count },
            "ReducePlan: axes \(axes) must be sorted, unique and inside rank \(shape.count)")
        self.op = op
        var outputShape = shape
        for axis in axes { outputShape[axis] = 1 }
        self.outputShape = outputShape
        outputCount = outputShape.reduce(1, *)
        reducedCount = axes.map { shape[$0] }.reduce(1, *)
        // Merge neighbouring axes of the same kind; size-1 axes vanish.
        var sizes: [Int] = [], reduced: [Bool] = []
        for axis in shape.indices where shape[axis] != 1 {
            let isReduced = axes.contains(axis)
            if let last = sizes.indices.last, reduced[last] == isReduced {
                sizes[last] *= shape[axis]
            } else {
                sizes.append(shape[axis])
                reduced.append(isReduced)
            }
        }
        if sizes.isEmpty {
            sizes = [1]
            reduced = [false]
        }
        var strides = [Int](repeating: 1, count: sizes.count)
        for axis in stride(from: sizes.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * sizes[axis + 1] }
        let inner = sizes.count - 1
        innerReduced = reduced[inner]
        innerLength = sizes[inner]
        let outer = 0..<inner
        keptSizes = outer.filter { !reduced[$0] }.map { sizes[$0] }
        keptStrides = outer.filter { !reduced[$0] }.map { strides[$0] }
        reducedSizes = outer.filter { reduced[$0] }.map { sizes[$0] }
        reducedStrides = outer.filter { reduced[$0] }.map { strides[$0] }
    }

    public func run(
        input: UnsafePointer<Float>,  // input [shape]
        output: UnsafeMutablePointer<Float>  // output [outputShape]
    ) {
        if outputCount == 0 { return }
        if reducedCount == 0 {
            let identity: Float
            switch op {
            case .prod: identity = 1
            case .max, .logSumExp: identity = -.infinity
            case .min: identity = .infinity
            default: identity = 0
            }
            output.update(repeating: identity, count: outputCount)
            return
        }
        switch op {
        case .sum: run(SumReducer(), input, output) { $0 }
        case .mean:
            let scale = Float(reducedCount)
            run(SumReducer(), input, output) { $0 / scale }
        case .max: run(MaxReducer(), input, output) { $0 }
        case .min: run(MinReducer(), input, output) { $0 }
        case .prod: run(ProdReducer(), input, output) { $0 }
        case .sumSquare: run(SquareReducer(), input, output) { $0 }
        case .l1: run(AbsReducer(), input, output) { $0 }
        case .l2: run(SquareReducer(), input, output) { $0.squareRoot() }
        case .logSumExp:
            run(MaxReducer(), input, output) { $0 }
            runLogSumExp(input, output)
        }
    }

    /// Reduces into `output`, then applies `finish` to each result.
    private func run<R: Reducer>(
        _ reducer: R, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ finish: (Float) -> Float
    ) {
        walk(output) { base, target, lanes in
            if innerReduced {
                var total = Float8(repeating: reducer.identity)
                forEachReduced { offset in total = reducer.combine(total, row: input + base + offset, innerLength) }
                target[0] = finish(reducer.horizontal(total))
            } else {
                var total = Float8(repeating: reducer.identity)
                forEachReduced { offset in total = reducer.combine(total, reducer.map(load(input + base + offset, lanes))) }
                for lane in 0..<lanes { target[lane] = finish(total[lane]) }
            }
        }
    }

    /// With `output` holding each maximum m: output = m + log(sum(exp(x - m))).
    private func runLogSumExp(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        walk(output) { base, target, lanes in
            if innerReduced {
                let maximum = target[0]
                if maximum == -.infinity || !maximum.isFinite { return }
                let reducer = ExpSumReducer(maximum: Float8(repeating: maximum))
                var total = Float8()
                forEachReduced { offset in total = reducer.combine(total, row: input + base + offset, innerLength) }
                target[0] = maximum + logf(total.sum())
            } else {
                let maximum = load(UnsafePointer(target), lanes)
                let reducer = ExpSumReducer(maximum: maximum)
                var total = Float8()
                forEachReduced { offset in total = reducer.combine(total, reducer.map(load(input + base + offset, lanes))) }
                for lane in 0..<lanes where maximum[lane].isFinite { target[lane] = maximum[lane] + logf(total[lane]) }
            }
        }
    }

    @inline(__always)
    private func load(_ pointer: UnsafePointer<Float>, _ lanes: Int) -> Float8 {
        lanes == 8 ? load8(pointer) : loadPartial(pointer, lanes)
    }

    /// Calls `body(inputBase, output, lanes)` for each output (innermost axis reduced, lanes 1) or each
    /// group of up to eight neighbouring outputs (innermost axis kept).
    @inline(__always)
    private func walk(_ output: UnsafeMutablePointer<Float>, _ body: (Int, UnsafeMutablePointer<Float>, Int) -> Void) {
        keptSizes.withUnsafeBufferPointer { sizes in
            keptStrides.withUnsafeBufferPointer { strides in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, sizes.count)) { counters in
                    counters.initialize(repeating: 0)
                    let perStep = innerReduced ? 1 : innerLength
                    var base = 0, written = 0
                    while written < outputCount {
                        if innerReduced {
                            body(base, output + written, 1)
                        } else {
                            var start = 0
                            while start < innerLength {
                                body(base + start, output + written + start, min(8, innerLength - start))
                                start += 8
                            }
                        }
                        written += perStep
                        var axis = sizes.count - 1
                        while axis >= 0 {
                            counters[axis] += 1
                            base += strides[axis]
                            if counters[axis] < sizes[axis] { break }
                            base -= strides[axis] * sizes[axis]
                            counters[axis] = 0
                            axis -= 1
                        }
                    }
                }
            }
        }
    }

    /// Calls `body(offset)` for every combination of the reduced outer axes.
    @inline(__always)
    private func forEachReduced(_ body: (Int) -> Void) {
        if reducedSizes.isEmpty {
            body(0)
            return
        }
        reducedSizes.withUnsafeBufferPointer { sizes in
            reducedStrides.withUnsafeBufferPointer { strides in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: sizes.count) { counters in
                    counters.initialize(repeating: 0)
                    var offset = 0
                    while true {
                        body(offset)
                        var axis = sizes.count - 1
                        while axis >= 0 {
                            counters[axis] += 1
                            offset += strides[axis]
                            if counters[axis] < sizes[axis] { break }
                            offset -= strides[axis] * sizes[axis]
                            counters[axis] = 0
                            axis -= 1
                        }
                        if axis < 0 { return }
                    }
                }
            }
        }
    }
}
