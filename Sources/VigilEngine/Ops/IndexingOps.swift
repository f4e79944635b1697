/// Ops that address elements by computed indices: NonZero, ScatterElements (and its opset-9
/// name Scatter) and GatherND.
///
/// NonZero's output size depends on the input's values, so it is computed at prepare time from
/// a constant input (the deferred execution mode makes every input constant). ScatterElements and
/// GatherND have value-independent shapes and run as kernels over bytes or typed buffers.
enum IndexingOps {
    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        table["NonZero"] = nonZero
        table["ScatterElements"] = scatterElements
        table["Scatter"] = scatterElements
        table["GatherND"] = gatherND
    }

    // MARK: NonZero

    /// NonZero: the coordinates of the non-zero elements, int64 [rank, count], in row-major order.
    ///
    /// NaN counts as non-zero and -0.0 as zero (the `!= 0` test). A scalar input gives [1, count]
    /// with coordinate 0, as ONNX Runtime does (the spec is ambiguous, onnx/onnx#2428).
    /// https://onnx.ai/onnx/operators/onnx__NonZero.html
    static func nonZero(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.constant(0, "X")
        let flags: [Bool]
        switch x.storage {
        case .float(let v): flags = v.map { $0 != 0 }
        case .int(let v): flags = v.map { $0 != 0 }
        case .bool(let v): flags = v
        case .string: throw ctx.error(.unsupportedType, "NonZero of a string tensor is not supported")
        }
        let shape = x.shape.isEmpty ? [1] : x.shape
        let rank = shape.count
        let selected = flags.indices.filter { flags[$0] }
        var result = [Int64](repeating: 0, count: rank * selected.count)
        for (column, flat) in selected.enumerated() {
            var rest = flat
            for axis in stride(from: rank - 1, through: 0, by: -1) {
                result[axis * selected.count + column] = Int64(rest % shape[axis])
                rest /= shape[axis]
            }
        }
        return .constants([Tensor(shape: [rank, selected.count], ints: result)])
    }

    // MARK: ScatterElements

    /// How ScatterElements combines an update with the value already at its target.
    enum ScatterReduction: String { case none, add, mul, max, min }

    /// ScatterElements (and Scatter, opset 9-10): a copy of `data` with `updates` written at
    /// `indices` along `axis`, combined by `reduction` (opset 16: add, mul; opset 18: max, min).
    ///
    /// data [d0..dr-1], indices and updates of one shape [i0..ir-1] with i_k <= d_k off the axis.
    /// Negative indices count from the end. Duplicate indices apply in row-major order of the
    /// updates. Constant indices are range-checked at load; out-of-range run-time indices are
    /// skipped (the kernel cannot fail) rather than written outside the tensor.
    /// https://onnx.ai/onnx/operators/onnx__ScatterElements.html
    static func scatterElements(_ ctx: OpContext) throws -> PreparedOp {
        let op = ctx.node.opType
        let data = try ctx.input(0), indices = try ctx.input(1), updates = try ctx.input(2)
        guard indices.dtype == .int64 || indices.dtype == .int32 else {
            throw ctx.error(.unsupportedType, "\(op) indices are \(indices.dtype); int64 or int32 is required")
        }
        guard updates.dtype == data.dtype, data.dtype != .string else {
            throw ctx.error(.unsupportedType, "\(op) data is \(data.dtype) and updates \(updates.dtype); they must be one numeric type")
        }
        let rank = data.shape.count
        guard rank >= 1, indices.shape.count == rank, updates.shape == indices.shape else {
            throw ctx.error(.shapeMismatch, "\(op) needs data, indices and updates of one rank >= 1, indices and updates of one shape; "
                                + "got \(data.shape), \(indices.shape), \(updates.shape)")
        }
        let axis = try ctx.axis(try ctx.int("axis", default: 0), rank: rank)
        for d in 0..<rank where d != axis && indices.shape[d] > data.shape[d] {
            throw ctx.error(.shapeMismatch, "\(op) indices \(indices.shape) exceed data \(data.shape) on axis \(d)")
        }
        let reductionName = try ctx.string("reduction", default: "none")
        let allowed: [String] = ctx.opset >= 18 ? ["none", "add", "mul", "max", "min"] : ctx.opset >= 16 ? ["none", "add", "mul"] : ["none"]
        guard allowed.contains(reductionName), let reduction = ScatterReduction(rawValue: reductionName) else {
            let list = allowed.joined(separator: ", ")
            throw ctx.unsupported("\(op) reduction '\(reductionName)' is not defined at opset \(ctx.opset) (allowed: \(list))")
        }
        let dim = data.shape[axis]
        if let constant = indices.constant, let bad = constant.ints.first(where: { $0 < -Int64(dim) || $0 >= Int64(dim) }) {
            throw ctx.error(.shapeMismatch, "\(op) index \(bad) is out of range for axis \(axis) of size \(dim)")
        }
        // Offset in data of every update element with its axis coordinate set to 0.
        let dataStrides = StridedCopy.denseStrides(data.shape)
        let indexStrides = StridedCopy.denseStrides(indices.shape)
        let bases: [Int] = (0..<indices.count).map { flat in
            var rest = flat, offset = 0
            for d in 0..<rank {
                if d != axis { offset += rest / indexStrides[d] * dataStrides[d] }
                rest %= indexStrides[d]
            }
            return offset
        }
        let geometry = ScatterGeometry(bases: bases, axisStride: dataStrides[axis], dim: dim, dataCount: data.count,
                                       index64: indices.dtype == .int64)
        let spec = ValueSpec(dtype: data.dtype, shape: data.shape)
        switch (data.dtype, reduction) {
        case (_, .none): return scatterKernel(spec, geometry, UInt8.self, width: data.dtype.byteSize, reduction)
        case (.float32, _): return scatterKernel(spec, geometry, Float.self, width: 1, reduction)
        case (.int64, _): return scatterKernel(spec, geometry, Int64.self, width: 1, reduction)
        case (.int32, _): return scatterKernel(spec, geometry, Int32.self, width: 1, reduction)
        default: throw ctx.error(.unsupportedType, "\(op) reduction '\(reductionName)' on \(data.dtype) is not supported (float32, int64, int32)")
        }
    }

    /// Where each update lands: `bases[i] + index * axisStride` elements into the output.
    struct ScatterGeometry {
        let bases: [Int]
        let axisStride: Int, dim: Int, dataCount: Int
        let index64: Bool
    }

    /// Binds a scatter over elements of `width` values of `T` (bytes of any type for `.none`).
    static func scatterKernel<T: Numeric & Comparable>(_ spec: ValueSpec, _ g: ScatterGeometry, _ type: T.Type, width: Int,
                                                       _ reduction: ScatterReduction) -> PreparedOp {
        .kernel(outputs: [spec]) { buffers in
            let data = buffers.input(0, as: T.self), updates = buffers.input(2, as: T.self)   // [dataCount·width], [count·width]
            let indices = buffers.inputs[1]!, output = buffers.output(0, as: T.self)
            return {
                if UnsafePointer(output) != data { output.update(from: data, count: g.dataCount * width) }
                for (i, base) in g.bases.enumerated() {
                    var index = g.index64 ? Int(indices.load(fromByteOffset: i * 8, as: Int64.self))
                                          : Int(indices.load(fromByteOffset: i * 4, as: Int32.self))
                    if index < 0 { index += g.dim }
                    guard index >= 0, index < g.dim else { continue }
                    let target = (base + index * g.axisStride) * width, source = i * width
                    switch reduction {
                    case .none: for k in 0..<width { output[target + k] = updates[source + k] }
                    case .add: output[target] += updates[source]
                    case .mul: output[target] *= updates[source]
                    case .max: output[target] = Swift.max(output[target], updates[source])
                    case .min: output[target] = Swift.min(output[target], updates[source])
                    }
                }
            }
        }
    }

    // MARK: GatherND

    /// GatherND: slices of `data` addressed by the last axis of `indices`, after `batch_dims`
    /// leading axes shared by both (opset 12+; 0 at opset 11).
    ///
    /// data [r], indices int64 [q] with last = indices.shape[q-1] in 1...r-b; output
    /// indices.shape[..<q-1] + data.shape[b+last...]. Negative indices count from the end;
    /// constant indices are range-checked at load, run-time ones clamp rather than read outside.
    /// https://onnx.ai/onnx/operators/onnx__GatherND.html
    static func gatherND(_ ctx: OpContext) throws -> PreparedOp {
        let data = try ctx.input(0), indices = try ctx.input(1)
        guard indices.dtype == .int64 else { throw ctx.error(.unsupportedType, "GatherND indices are \(indices.dtype); int64 is required") }
        guard data.dtype != .string else { throw ctx.error(.unsupportedType, "GatherND of string data is not supported") }
        let batchDims = ctx.opset >= 12 ? try ctx.int("batch_dims", default: 0) : 0
        let r = data.shape.count, q = indices.shape.count
        guard r >= 1, q >= 1, batchDims >= 0, batchDims < min(r, q) else {
            throw ctx.error(.shapeMismatch, "GatherND needs data and indices of rank >= 1 and batch_dims below both ranks; "
                                + "got \(data.shape), \(indices.shape), batch_dims \(batchDims)")
        }
        let last = indices.shape[q - 1]
        guard last >= 1, last <= r - batchDims, Array(data.shape.prefix(batchDims)) == Array(indices.shape.prefix(batchDims)) else {
            throw ctx.error(.shapeMismatch, "GatherND indices \(indices.shape) do not address data \(data.shape) with batch_dims \(batchDims)")
        }
        let outShape = Array(indices.shape.dropLast()) + Array(data.shape.dropFirst(batchDims + last))
        let dataStrides = StridedCopy.denseStrides(data.shape)
        let dims = Array(data.shape[batchDims..<(batchDims + last)])
        let strides = Array(dataStrides[batchDims..<(batchDims + last)])
        let batches = indices.shape.prefix(batchDims).reduce(1, *)
        let perBatch = indices.shape.dropFirst(batchDims).dropLast().reduce(1, *)
        guard dims.allSatisfy({ $0 > 0 }) || batches * perBatch == 0 else {
            throw ctx.error(.shapeMismatch, "GatherND indices \(indices.shape) address an empty axis of data \(data.shape)")
        }
        if let constant = indices.constant {
            let values = constant.ints
            for (k, v) in values.enumerated() where v < -Int64(dims[k % last]) || v >= Int64(dims[k % last]) {
                throw ctx.error(.shapeMismatch, "GatherND index \(v) is out of range for data axis \(batchDims + k % last) of size \(dims[k % last])")
            }
        }
        let batchStride = data.shape.dropFirst(batchDims).reduce(1, *)
        let size = data.dtype.byteSize
        let sliceBytes = data.shape.dropFirst(batchDims + last).reduce(1, *) * size
        return .kernel(outputs: [ValueSpec(dtype: data.dtype, shape: outShape)]) { buffers in
            let input = buffers.inputs[0]!, output = buffers.outputs[0]                  // data [r], output [outShape]
            let index = buffers.input(1, as: Int64.self)                                  // [batches, perBatch, last]
            return {
                for b in 0..<batches {
                    for j in 0..<perBatch {
                        let tuple = (b * perBatch + j) * last
                        var offset = b * batchStride
                        for k in 0..<last {
                            var i = Int(index[tuple + k])
                            if i < 0 { i += dims[k] }
                            offset += min(max(i, 0), dims[k] - 1) * strides[k]
                        }
                        (output + (b * perBatch + j) * sliceBytes).copyMemory(from: input + offset * size, byteCount: sliceBytes)
                    }
                }
            }
        }
    }
}
