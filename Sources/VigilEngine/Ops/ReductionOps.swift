import VigilKernels

/// Reductions (ReduceMean/Max/Min/Sum/Prod/SumSquare/L1/L2/LogSumExp), ArgMax/ArgMin, TopK,
/// Softmax and LogSoftmax over float32; integer reductions and TopK also take int64/int32
/// (exports reduce shape tensors with ReduceProd/ReduceMin/ReduceMax).
enum ReductionOps {
    static let reduceOps: [String: ReduceOp] = [
        "ReduceSum": .sum, "ReduceMean": .mean, "ReduceMax": .max, "ReduceMin": .min, "ReduceProd": .prod,
        "ReduceSumSquare": .sumSquare, "ReduceL1": .l1, "ReduceL2": .l2, "ReduceLogSumExp": .logSumExp,
    ]

    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        for (name, op) in reduceOps { table[name] = { try reduce($0, name, op) } }
        table["ArgMax"] = { try argExtreme($0, max: true) }
        table["ArgMin"] = { try argExtreme($0, max: false) }
        table["TopK"] = topK
        table["Softmax"] = { try softmaxOp($0, log: false) }
        table["LogSoftmax"] = { try softmaxOp($0, log: true) }
    }

    static func reduce(_ ctx: OpContext, _ name: String, _ op: ReduceOp) throws -> PreparedOp {
        let x = try ctx.input(0)
        guard x.dtype == .float32 || x.dtype == .int64 || x.dtype == .int32 else {
            throw ctx.error(.unsupportedType, "\(name) of \(x.dtype) is not supported (float32, int64, int32)")
        }
        let rank = x.shape.count
        let axesAsInput = name == "ReduceSum" ? ctx.opset >= 13 : ctx.opset >= 18
        let given = axesAsInput ? try ctx.optionalConstant(1, "axes")?.ints.map { Int($0) } : try ctx.ints("axes")
        let keepDims = try ctx.int("keepdims", default: 1) != 0
        let noopWithEmpty = try ctx.int("noop_with_empty_axes", default: 0) != 0
        var axes = try (given ?? []).map { try ctx.axis($0, rank: rank, "axes entry") }
        if axes.isEmpty {
            if noopWithEmpty { return .alias(shape: x.shape) }
            axes = Array(0..<rank)
        }
        axes = Array(Set(axes)).sorted()
        let plan = ReducePlan(op, shape: x.shape, axes: axes)
        let outShape = keepDims ? plan.outputShape : x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        if x.dtype != .float32 {
            guard let combine = integerReduction(op) else {
                throw ctx.error(.unsupportedType, "\(name) of \(x.dtype) is not supported (only float32)")
            }
            let reducedCount = Int64(axes.map { x.shape[$0] }.reduce(1, *))
            return ElementwiseOps.genericKernel(specs: [x], shapes: [x.shape], outShape: outShape, dtype: x.dtype) { t in
                reduceIntegers(t[0].ints, shape: x.shape, axes: axes, op: op, combine: combine, reducedCount: reducedCount,
                               outShape: outShape, dtype: x.dtype)
            }
        }
        return .floatKernel(shape: outShape) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            return { plan.run(input: input, output: output) }
        }
    }

    /// The identity and step of an integer reduction; nil for those defined only on floats (L2, LogSumExp).
    static func integerReduction(_ op: ReduceOp) -> (identity: Int64, step: (Int64, Int64) -> Int64)? {
        switch op {
        case .sum, .mean: return (0, { $0 &+ $1 })
        case .prod: return (1, { $0 &* $1 })
        case .max: return (Int64.min, { Swift.max($0, $1) })
        case .min: return (Int64.max, { Swift.min($0, $1) })
        case .sumSquare: return (0, { $0 &+ $1 &* $1 })
        case .l1: return (0, { $0 &+ Swift.abs($1) })   // wraps for Int64.min, as in C
        case .l2, .logSumExp: return nil
        }
    }

    /// Reduces integer `values` of `shape` over sorted `axes`; Mean divides with truncation toward zero.
    /// Empty reductions give the identity (0, 1, the type's minimum or maximum), as ONNX Runtime does.
    static func reduceIntegers(_ values: [Int64], shape: [Int], axes: [Int], op: ReduceOp,
                               combine: (identity: Int64, step: (Int64, Int64) -> Int64), reducedCount: Int64,
                               outShape: [Int], dtype: DataType) -> Tensor {
        var keptShape = shape
        for axis in axes { keptShape[axis] = 1 }
        let outStrides = StridedCopy.denseStrides(keptShape)
        var identity = combine.identity
        if dtype == .int32 { identity = op == .max ? Int64(Int32.min) : op == .min ? Int64(Int32.max) : identity }
        var result = [Int64](repeating: identity, count: keptShape.reduce(1, *))
        var index = [Int](repeating: 0, count: shape.count)
        for value in values {
            var target = 0
            for axis in shape.indices where keptShape[axis] != 1 { target += index[axis] * outStrides[axis] }
            result[target] = combine.step(result[target], value)
            advanceRowMajor(&index, in: shape)
        }
        if op == .mean { result = result.map { reducedCount == 0 ? 0 : $0 / reducedCount } }
        if dtype == .int32 { result = result.map { Int64(Int32(truncatingIfNeeded: $0)) } }
        return Tensor(shape: outShape, ints: result, dtype: dtype)
    }

    static func argExtreme(_ ctx: OpContext, max isMax: Bool) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        let rank = x.shape.count
        let axis = try ctx.axis(try ctx.int("axis", default: 0), rank: rank)
        let keepDims = try ctx.int("keepdims", default: 1) != 0
        let lastIndex = try ctx.int("select_last_index", default: 0) != 0
        let outer = x.shape.prefix(axis).reduce(1, *), n = x.shape[axis], inner = x.shape.dropFirst(axis + 1).reduce(1, *)
        var outShape = x.shape
        if keepDims { outShape[axis] = 1 } else { outShape.remove(at: axis) }
        return .kernel(outputs: [ValueSpec(dtype: .int64, shape: outShape)]) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Int64.self)
            return {
                for o in 0..<outer {
                    for i in 0..<inner {
                        var best = input[o * n * inner + i], bestIndex = 0
                        for j in 1..<max(n, 1) {
                            let v = input[(o * n + j) * inner + i]
                            let better = isMax ? (lastIndex ? v >= best : v > best) : (lastIndex ? v <= best : v < best)
                            if better { best = v; bestIndex = j }
                        }
                        output[o * inner + i] = Int64(bestIndex)
                    }
                }
            }
        }
    }

    /// TopK along an axis: values and int64 indices, largest (or smallest) first; ties keep the lower index.
    /// Values may be float32, int64 or int32. `sorted = 0` lets the order be any; this returns it sorted.
    static func topK(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.input(0)
        let rank = x.shape.count
        let axis = try ctx.axis(try ctx.int("axis", default: -1), rank: rank)
        let k = ctx.opset < 10 ? try ctx.int("k", default: -1) : Int(try ctx.constant(1, "K").ints.first ?? -1)
        let largest = try ctx.int("largest", default: 1) != 0
        let n = x.shape[axis]
        guard k >= 0, k <= n else { throw ctx.error(.shapeMismatch, "K = \(k) is out of range for axis \(axis) of size \(n)") }
        let outer = x.shape.prefix(axis).reduce(1, *), inner = x.shape.dropFirst(axis + 1).reduce(1, *)
        var outShape = x.shape
        outShape[axis] = k
        let selection = TopKSelection(outer: outer, n: n, inner: inner, k: k, largest: largest)
        let outputs = [ValueSpec(dtype: x.dtype, shape: outShape), ValueSpec(dtype: .int64, shape: outShape)]
        let scratchBytes = max(n, 1) * MemoryLayout<Int>.stride
        switch x.dtype {
        case .float32: return .kernel(outputs: outputs, scratchBytes: scratchBytes) { selection.bind($0, Float.self) }
        case .int64: return .kernel(outputs: outputs, scratchBytes: scratchBytes) { selection.bind($0, Int64.self) }
        case .int32: return .kernel(outputs: outputs, scratchBytes: scratchBytes) { selection.bind($0, Int32.self) }
        default: throw ctx.error(.unsupportedType, "TopK of \(x.dtype) is not supported (float32, int64, int32)")
        }
    }

    /// TopK's kernel: input [outer, n, inner] -> values and indices [outer, k, inner], best first,
    /// equal values by lower index (the spec's order).
    ///
    /// A bounded heap of the k best seen so far (its root the worst of them) takes O(n log k):
    /// Faster R-CNN's RPN keeps the top 1000 of 90,000 anchors per level, where a selection sort
    /// took 100 ms. The heap lives in the op's scratch; nothing is allocated per run.
    struct TopKSelection {
        let outer: Int, n: Int, inner: Int, k: Int
        let largest: Bool

        func bind<T: Comparable>(_ buffers: OpBuffers, _ type: T.Type) -> OpRunner {
            let input = buffers.input(0, as: T.self)
            let values = buffers.output(0, as: T.self), indices = buffers.output(1, as: Int64.self)
            let heap = buffers.scratch!.assumingMemoryBound(to: Int.self)   // [k] candidate indices
            let (outer, n, inner, k, largest) = (outer, n, inner, k, largest)
            return {
                guard k > 0 else { return }
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * n * inner + i
                        /// Whether element a ranks before element b.
                        func better(_ a: Int, _ b: Int) -> Bool {
                            let x = input[base + a * inner], y = input[base + b * inner]
                            return largest ? (x > y || (x == y && a < b)) : (x < y || (x == y && a < b))
                        }
                        /// Restores the heap below `start` (the worst of the first `count` at the root).
                        func siftDown(_ start: Int, _ count: Int) {
                            var parent = start
                            while true {
                                var worst = parent
                                let left = 2 * parent + 1, right = left + 1
                                if left < count, better(heap[worst], heap[left]) { worst = left }
                                if right < count, better(heap[worst], heap[right]) { worst = right }
                                if worst == parent { return }
                                (heap[parent], heap[worst]) = (heap[worst], heap[parent])
                                parent = worst
                            }
                        }
                        for j in 0..<k { heap[j] = j }
                        for start in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(start, k) }
                        for j in k..<max(n, k) where better(j, heap[0]) {
                            heap[0] = j
                            siftDown(0, k)
                        }
                        // Pop the worst to the back until the heap is empty: best first.
                        for end in stride(from: k - 1, to: 0, by: -1) {
                            (heap[0], heap[end]) = (heap[end], heap[0])
                            siftDown(0, end)
                        }
                        for slot in 0..<k {
                            let out = (o * k + slot) * inner + i
                            values[out] = input[base + heap[slot] * inner]
                            indices[out] = Int64(heap[slot])
                        }
                    }
                }
            }
        }
    }

    /// Softmax: opset < 13 coerces the input to 2-D at `axis` (default 1); from 13, one axis (default −1).
    static func softmaxOp(_ ctx: OpContext, log: Bool) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        let rank = x.shape.count
        let axis = try ctx.axis(try ctx.int("axis", default: ctx.opset < 13 ? 1 : -1), rank: rank)
        let outer: Int, size: Int, inner: Int
        if ctx.opset < 13 {
            outer = x.shape.prefix(axis).reduce(1, *); size = x.shape.dropFirst(axis).reduce(1, *); inner = 1
        } else {
            outer = x.shape.prefix(axis).reduce(1, *); size = x.shape[axis]; inner = x.shape.dropFirst(axis + 1).reduce(1, *)
        }
        return .floatKernel(shape: x.shape) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            return { softmax(input: input, output: output, outer: outer, axis: size, inner: inner, log: log) }
        }
    }
}
