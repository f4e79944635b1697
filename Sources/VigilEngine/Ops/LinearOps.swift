import VigilKernels

/// Gemm, MatMul and the experimental opset-1 FC (y = x·Wᵀ + b) over float32, on CBLAS sgemm.
enum LinearOps {
    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        table["Gemm"] = gemmOp
        table["MatMul"] = matMul
        table["FC"] = fullyConnected
    }

    /// Y = alpha · op(A) · op(B) + beta · C, with C broadcast to [M, N] and a fused activation.
    static func gemmOp(_ ctx: OpContext) throws -> PreparedOp {
        var a = try ctx.floatInput(0)
        let b = try ctx.floatInput(1)
        let transA = try ctx.int("transA", default: 0) != 0
        let transB = try ctx.int("transB", default: 0) != 0
        let alpha = try ctx.float("alpha", default: 1)
        let beta = try ctx.float("beta", default: 1)
        // Older exporters feed [N, C, 1, 1] into Gemm; opset < 9 coerced A to 2-D.
        if a.shape.count > 2, a.shape.dropFirst(2).allSatisfy({ $0 == 1 }) { a.shape = Array(a.shape.prefix(2)) }
        guard a.shape.count == 2, b.shape.count == 2 else {
            throw ctx.error(.shapeMismatch, "A \(a.shape) and B \(b.shape) must be matrices")
        }
        let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kb, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == kb else { throw ctx.error(.shapeMismatch, "A \(a.shape) and B \(b.shape) do not multiply (transA \(transA), transB \(transB))") }
        var bias: [Float]? = nil
        if ctx.has(2) {
            let c = try ctx.constant(2, "C")
            var cShape = c.shape
            if ctx.opset < 7, try ctx.int("broadcast", default: 0) == 0, cShape != [m, n] {
                throw ctx.error(.shapeMismatch, "C \(cShape) must be [\(m), \(n)] without broadcast")
            }
            if cShape.count == 1, cShape[0] == n { cShape = [1, n] }
            guard broadcastShape([[m, n], cShape]) == [m, n] else {
                throw ctx.error(.shapeMismatch, "C \(c.shape) does not broadcast to [\(m), \(n)]")
            }
            let maps = GenericElementwise.indexMaps([cShape], output: [m, n])[0]
            let values = c.floats
            bias = maps.map { values[$0] * beta }
        }
        return matrixKernel(ctx, m: m, n: n, k: k, transA: transA, transB: transB, alpha: alpha,
                            lda: a.shape[1], ldb: b.shape[1], bias: bias, outShape: [m, n])
    }

    static func fullyConnected(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.floatInput(0)
        let w = try ctx.floatInput(1)
        let axis = try ctx.axis(try ctx.int("axis", default: 1), rank: x.shape.count)
        let axisW = try ctx.int("axis_w", default: 1)
        let m = x.shape.prefix(axis).reduce(1, *), k = x.shape.dropFirst(axis).reduce(1, *)
        let n = w.shape.prefix(axisW).reduce(1, *)
        guard w.shape.dropFirst(axisW).reduce(1, *) == k else {
            throw ctx.error(.shapeMismatch, "input \(x.shape) (axis \(axis)) and W \(w.shape) (axis_w \(axisW)) do not multiply")
        }
        let bias = try ctx.optionalConstant(2, "B").map { b -> [Float] in
            let v = b.floats
            return (0..<m * n).map { v[$0 % n] }
        }
        return matrixKernel(ctx, m: m, n: n, k: k, transA: false, transB: true, alpha: 1, lda: k, ldb: k, bias: bias, outShape: [m, n])
    }

    static func matrixKernel(_ ctx: OpContext, m: Int, n: Int, k: Int, transA: Bool, transB: Bool, alpha: Float,
                             lda: Int, ldb: Int, bias: [Float]?, outShape: [Int]) -> PreparedOp {
        let activation = ctx.node.fused.activation.kernelActivation
        let parallel = ctx.parallel
        return PreparedOp.floatKernel(shape: outShape) { buffers in
            let a = buffers.input(0, as: Float.self), b = buffers.input(1, as: Float.self)
            let c = buffers.output(0, as: Float.self)
            return {
                if let bias { bias.withUnsafeBufferPointer { c.update(from: $0.baseAddress!, count: m * n) } }
                gemm(transposeA: transA, transposeB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                     b: b, ldb: ldb, beta: bias == nil ? 0 : 1, c: c, ldc: n, parallel: parallel)
                activation.apply(c, count: m * n)
            }
        }.counting(flops: 2 * m * n * k)
    }

    /// numpy matmul: 1-D operands promoted, batch dims broadcast.
    static func matMul(_ ctx: OpContext) throws -> PreparedOp {
        let a = try ctx.floatInput(0), b = try ctx.floatInput(1)
        guard !a.shape.isEmpty, !b.shape.isEmpty else { throw ctx.error(.shapeMismatch, "scalars cannot be multiplied with MatMul") }
        let aShape = a.shape.count == 1 ? [1, a.shape[0]] : a.shape
        let bShape = b.shape.count == 1 ? [b.shape[0], 1] : b.shape
        let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1]
        let n = bShape[bShape.count - 1]
        guard bShape[bShape.count - 2] == k else {
            throw ctx.error(.shapeMismatch, "A \(a.shape) and B \(b.shape) do not multiply")
        }
        let aBatch = Array(aShape.dropLast(2)), bBatch = Array(bShape.dropLast(2))
        guard let batch = broadcastShape([aBatch, bBatch]) else {
            throw ctx.error(.shapeMismatch, "batch dims of A \(a.shape) and B \(b.shape) do not broadcast")
        }
        var outShape = batch + [m, n]
        if a.shape.count == 1 { outShape.remove(at: outShape.count - 2) }
        if b.shape.count == 1 { outShape.removeLast() }
        let batchCount = batch.reduce(1, *)
        let flops = 2 * batchCount * m * n * k
        // B shared by every batch (the common [.., M, K] x [K, N] case): one GEMM with M' = batch·M.
        if bBatch.reduce(1, *) == 1, aBatch.count == batch.count || aBatch.reduce(1, *) == batchCount {
            return matrixKernel(ctx, m: batchCount * m, n: n, k: k, transA: false, transB: false, alpha: 1,
                                lda: k, ldb: n, bias: nil, outShape: outShape).counting(flops: flops)
        }
        let maps = GenericElementwise.indexMaps([aBatch, bBatch], output: batch)
        let aOffsets = maps[0].map { $0 * m * k }, bOffsets = maps[1].map { $0 * k * n }
        let parallel = ctx.parallel
        return PreparedOp.floatKernel(shape: outShape) { buffers in
            let pa = buffers.input(0, as: Float.self), pb = buffers.input(1, as: Float.self)
            let pc = buffers.output(0, as: Float.self)
            return {
                parallel.forEach(batchCount) { i in
                    gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: pa + aOffsets[i], lda: k,
                         b: pb + bOffsets[i], ldb: n, beta: 0, c: pc + i * m * n, ldc: n)
                }
            }
        }.counting(flops: flops)
    }
}
