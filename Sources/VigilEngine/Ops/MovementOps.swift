import VigilKernels

/// Ops that move data without arithmetic: Transpose, Concat, Split, Slice, Gather, Expand, Tile, Pad.
/// They work on any element type (bytes), except Pad and the float fast paths.
enum MovementOps {
    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        table["Transpose"] = transpose
        table["Concat"] = concat
        table["Split"] = split
        table["Slice"] = slice
        table["Gather"] = gather
        table["Expand"] = expand
        table["Tile"] = tile
        table["Pad"] = pad
    }

    static func transpose(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.input(0)
        let rank = x.shape.count
        let perm = try ctx.ints("perm") ?? Array((0..<rank).reversed())
        guard perm.sorted() == Array(0..<rank) else { throw ctx.error(.invalidModel, "perm \(perm) is not a permutation of 0..<\(rank)") }
        let outShape = perm.map { x.shape[$0] }
        if x.dtype == .float32 {
            let plan = TransposePlan(shape: x.shape, permutation: perm)
            return .floatKernel(shape: outShape) { buffers in
                let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
                return { plan.run(input: input, output: output) }
            }
        }
        let dense = StridedCopy.denseStrides(x.shape)
        let copy = StridedCopy(shape: outShape, strides: perm.map { dense[$0] }, offset: 0, elementSize: x.dtype.byteSize)
        return copyKernel(copy, spec: ValueSpec(dtype: x.dtype, shape: outShape))
    }

    static func copyKernel(_ copy: StridedCopy, spec: ValueSpec) -> PreparedOp {
        .kernel(outputs: [spec]) { buffers in
            let source = buffers.inputs[0]!, destination = buffers.outputs[0]
            return { copy.run(source: source, destination: destination) }
        }
    }

    static func concat(_ ctx: OpContext) throws -> PreparedOp {
        let specs = try (0..<ctx.inputCount).map { try ctx.input($0) }
        guard let first = specs.first else { throw ctx.error(.invalidModel, "needs at least one input") }
        let rank = first.shape.count
        let axis = try ctx.axis(try ctx.int("axis", default: ctx.opset < 4 ? 1 : Int.min), rank: rank)
        for spec in specs {
            guard spec.dtype == first.dtype, spec.shape.count == rank,
                  spec.shape.enumerated().allSatisfy({ $0.offset == axis || $0.element == first.shape[$0.offset] }) else {
                throw ctx.error(.shapeMismatch, "inputs \(specs.map(\.shape)) do not concatenate on axis \(axis)")
            }
        }
        var outShape = first.shape
        outShape[axis] = specs.map { $0.shape[axis] }.reduce(0, +)
        let outer = first.shape.prefix(axis).reduce(1, *)
        let size = first.dtype.byteSize
        let chunks = specs.map { $0.shape.dropFirst(axis).reduce(1, *) * size }
        let outChunk = chunks.reduce(0, +)
        var prepared = PreparedOp.kernel(outputs: [ValueSpec(dtype: first.dtype, shape: outShape)]) { buffers in
            let inputs = buffers.inputs.map { $0! }, output = buffers.outputs[0]
            return {
                var position = 0
                for (input, chunk) in zip(inputs, chunks) {
                    for o in 0..<outer {
                        (output + o * outChunk + position).copyMemory(from: input + o * chunk, byteCount: chunk)
                    }
                    position += chunk
                }
            }
        }
        if outer == 1 { prepared.inputOffsets = chunks.indices.map { chunks[..<$0].reduce(0, +) } }
        return prepared
    }

    static func split(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.input(0)
        let axis = try ctx.axis(try ctx.int("axis", default: 0), rank: x.shape.count)
        let outputs = ctx.node.outputs.count
        var sizes: [Int]
        if ctx.opset >= 13, ctx.has(1) {
            sizes = try ctx.constant(1, "split").ints.map { Int($0) }
        } else if ctx.opset < 13, let given = try ctx.ints("split") {
            sizes = given
        } else {
            let parts = ctx.opset >= 18 ? try ctx.int("num_outputs", default: outputs) : outputs
            let each = (x.shape[axis] + parts - 1) / parts
            sizes = (0..<parts).map { min(each, max(0, x.shape[axis] - $0 * each)) }
        }
        guard sizes.count == outputs, sizes.reduce(0, +) == x.shape[axis], sizes.allSatisfy({ $0 >= 0 }) else {
            throw ctx.error(.shapeMismatch, "split \(sizes) does not divide axis \(axis) of \(x.shape) into \(outputs) outputs")
        }
        let outer = x.shape.prefix(axis).reduce(1, *)
        let innerBytes = x.shape.dropFirst(axis + 1).reduce(1, *) * x.dtype.byteSize
        let inChunk = x.shape[axis] * innerBytes
        let specs = sizes.map { size -> ValueSpec in
            var shape = x.shape
            shape[axis] = size
            return ValueSpec(dtype: x.dtype, shape: shape)
        }
        return .kernel(outputs: specs) { buffers in
            let input = buffers.inputs[0]!, outs = buffers.outputs
            return {
                var position = 0
                for (output, size) in zip(outs, sizes) {
                    let chunk = size * innerBytes
                    for o in 0..<outer { (output + o * chunk).copyMemory(from: input + o * inChunk + position, byteCount: chunk) }
                    position += chunk
                }
            }
        }
    }

    static func slice(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.input(0)
        let rank = x.shape.count
        var starts: [Int], ends: [Int], axes: [Int], steps: [Int]
        if ctx.opset < 10 {
            starts = try ctx.ints("starts") ?? []
            ends = try ctx.ints("ends") ?? []
            axes = try ctx.ints("axes") ?? Array(0..<starts.count)
            steps = Array(repeating: 1, count: starts.count)
        } else {
            starts = try ctx.constant(1, "starts").ints.map(Self.clampInt)
            ends = try ctx.constant(2, "ends").ints.map(Self.clampInt)
            axes = try ctx.optionalConstant(3, "axes")?.ints.map { Int($0) } ?? Array(0..<starts.count)
            steps = try ctx.optionalConstant(4, "steps")?.ints.map { Int($0) } ?? Array(repeating: 1, count: starts.count)
        }
        guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
            throw ctx.error(.invalidModel, "starts \(starts), ends \(ends), axes \(axes), steps \(steps) differ in length")
        }
        var outShape = x.shape
        var begin = [Int](repeating: 0, count: rank)
        var stride = [Int](repeating: 1, count: rank)
        for i in 0..<axes.count {
            let axis = try ctx.axis(axes[i], rank: rank, "axes entry")
            let dim = x.shape[axis], step = steps[i]
            guard step != 0 else { throw ctx.error(.invalidModel, "step 0 on axis \(axis)") }
            var s = starts[i] < 0 ? starts[i] + dim : starts[i]
            var e = ends[i] < 0 ? ends[i] + dim : ends[i]
            if step > 0 {
                s = min(max(s, 0), dim); e = min(max(e, 0), dim)
                outShape[axis] = max(0, (e - s + step - 1) / step)
            } else {
                s = min(max(s, 0), dim - 1); e = min(max(e, -1), dim - 1)
                outShape[axis] = max(0, (s - e - step - 1) / -step)
            }
            begin[axis] = s
            stride[axis] = step
        }
        let dense = StridedCopy.denseStrides(x.shape)
        let offset = zip(begin, dense).map(*).reduce(0, +)
        let copy = StridedCopy(shape: outShape, strides: zip(stride, dense).map(*), offset: outShape.contains(0) ? 0 : offset,
                               elementSize: x.dtype.byteSize)
        return copyKernel(copy, spec: ValueSpec(dtype: x.dtype, shape: outShape))
    }

    static func clampInt(_ v: Int64) -> Int { Int(max(min(v, Int64(Int32.max) * 4), Int64(Int32.min) * 4)) }

    static func gather(_ ctx: OpContext) throws -> PreparedOp {
        let data = try ctx.input(0), indices = try ctx.input(1)
        guard indices.dtype.isInteger else { throw ctx.error(.unsupportedType, "indices are \(indices.dtype)") }
        let axis = try ctx.axis(try ctx.int("axis", default: 0), rank: data.shape.count)
        let outShape = Array(data.shape.prefix(axis)) + indices.shape + Array(data.shape.dropFirst(axis + 1))
        let outer = data.shape.prefix(axis).reduce(1, *)
        let dim = data.shape[axis]
        let innerBytes = data.shape.dropFirst(axis + 1).reduce(1, *) * data.dtype.byteSize
        let count = indices.count
        let indexType = indices.dtype
        if let constant = indices.constant {
            let resolved = constant.ints.map { Int($0 < 0 ? $0 + Int64(dim) : $0) }
            guard resolved.allSatisfy({ $0 >= 0 && $0 < dim }) else {
                throw ctx.error(.shapeMismatch, "indices \(constant.ints.prefix(8)) are out of range for axis \(axis) of size \(dim)")
            }
            return .kernel(outputs: [ValueSpec(dtype: data.dtype, shape: outShape)]) { buffers in
                let input = buffers.inputs[0]!, output = buffers.outputs[0]
                return {
                    for o in 0..<outer {
                        for (j, index) in resolved.enumerated() {
                            (output + (o * count + j) * innerBytes).copyMemory(from: input + (o * dim + index) * innerBytes, byteCount: innerBytes)
                        }
                    }
                }
            }
        }
        return .kernel(outputs: [ValueSpec(dtype: data.dtype, shape: outShape)]) { buffers in
            let input = buffers.inputs[0]!, indexPointer = buffers.inputs[1]!, output = buffers.outputs[0]
            return {
                for j in 0..<count {
                    var index = indexType == .int64 ? Int(indexPointer.load(fromByteOffset: j * 8, as: Int64.self))
                                                    : Int(indexPointer.load(fromByteOffset: j * 4, as: Int32.self))
                    if index < 0 { index += dim }
                    index = min(max(index, 0), dim - 1)   // out-of-range indices clamp rather than read outside
                    for o in 0..<outer {
                        (output + (o * count + j) * innerBytes).copyMemory(from: input + (o * dim + index) * innerBytes, byteCount: innerBytes)
                    }
                }
            }
        }
    }

    static func expand(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.input(0)
        let target = try ctx.constant(1, "shape").ints.map { Int($0) }
        guard let outShape = broadcastShape([x.shape, target]) else {
            throw ctx.error(.shapeMismatch, "\(x.shape) does not broadcast with \(target)")
        }
        let padded = Array(repeating: 1, count: outShape.count - x.shape.count) + x.shape
        let dense = StridedCopy.denseStrides(padded)
        let strides = padded.indices.map { padded[$0] == 1 ? 0 : dense[$0] }
        return copyKernel(StridedCopy(shape: outShape, strides: strides, offset: 0, elementSize: x.dtype.byteSize),
                          spec: ValueSpec(dtype: x.dtype, shape: outShape))
    }

    static func tile(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.input(0)
        let repeats = try ctx.constant(1, "repeats").ints.map { Int($0) }
        guard repeats.count == x.shape.count, repeats.allSatisfy({ $0 >= 0 }) else {
            throw ctx.error(.shapeMismatch, "repeats \(repeats) do not match rank \(x.shape.count)")
        }
        let outShape = zip(x.shape, repeats).map(*)
        let dense = StridedCopy.denseStrides(x.shape)
        let outDense = StridedCopy.denseStrides(outShape)
        let total = outShape.reduce(1, *)
        // Source offset of every output element, computed once.
        let offsets: [Int] = (0..<total).map { flat in
            var rest = flat, offset = 0
            for axis in 0..<outShape.count {
                let coordinate = rest / outDense[axis]
                rest %= outDense[axis]
                offset += (coordinate % x.shape[axis]) * dense[axis]
            }
            return offset
        }
        let size = x.dtype.byteSize
        return .kernel(outputs: [ValueSpec(dtype: x.dtype, shape: outShape)]) { buffers in
            let input = buffers.inputs[0]!, output = buffers.outputs[0]
            return { for (i, o) in offsets.enumerated() { (output + i * size).copyMemory(from: input + o * size, byteCount: size) } }
        }
    }

    static func pad(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        let rank = x.shape.count
        let modeName = try ctx.string("mode", default: "constant")
        var pads: [Int]
        var value: Float = 0
        if ctx.opset < 11 {
            guard let given = try ctx.ints(ctx.opset < 2 ? "paddings" : "pads") ?? ctx.ints("pads") else {
                throw ctx.error(.invalidModel, "attribute 'pads' is required")
            }
            pads = given
            value = try ctx.float("value", default: 0)
        } else {
            let given = try ctx.constant(1, "pads").ints.map { Int($0) }
            value = try ctx.optionalConstant(2, "constant_value")?.floats.first ?? 0
            if ctx.has(3) {
                let axes = try ctx.constant(3, "axes").ints.map { try ctx.axis(Int($0), rank: rank, "axes entry") }
                guard given.count == 2 * axes.count else { throw ctx.error(.invalidModel, "pads \(given) do not match axes \(axes)") }
                pads = [Int](repeating: 0, count: 2 * rank)
                for (i, axis) in axes.enumerated() { pads[axis] = given[i]; pads[axis + rank] = given[i + axes.count] }
            } else {
                pads = given
            }
        }
        guard pads.count == 2 * rank else { throw ctx.error(.invalidModel, "pads \(pads) do not match rank \(rank)") }
        let mode: PadMode
        switch modeName {
        case "constant": mode = .constant(value)
        case "reflect": mode = .reflect
        case "edge": mode = .edge
        case "wrap": mode = .wrap
        default: throw ctx.unsupported("mode '\(modeName)'")
        }
        // No padding at all (some exports carry such a Pad): the output is the input, no copy.
        if pads.allSatisfy({ $0 == 0 }) { return .alias(shape: x.shape) }
        let plan = PadPlan(shape: x.shape, pads: pads, mode: mode)
        guard plan.outputShape.allSatisfy({ $0 >= 0 }) else { throw ctx.error(.shapeMismatch, "pads \(pads) crop \(x.shape) below zero") }
        return .floatKernel(shape: plan.outputShape) { buffers in
            let input = buffers.input(0, as: Float.self), output = buffers.output(0, as: Float.self)
            return { plan.run(input: input, output: output) }
        }
    }
}
