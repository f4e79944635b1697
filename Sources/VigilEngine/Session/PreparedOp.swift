/// Pointers an op's runner reads and writes; bound once when the session is made.
public struct OpBuffers {
    /// One per node input; nil for an omitted optional input.
    public var inputs: [UnsafeRawPointer?]
    public var outputs: [UnsafeMutableRawPointer]
    /// The fused residual tensor (same shape as output 0), if any.
    public var residual: UnsafeRawPointer?
    /// `PreparedOp.scratchBytes` of scratch, 64-byte aligned, shared between ops (not kept between runs).
    public var scratch: UnsafeMutableRawPointer?

    func input<T>(_ index: Int, as type: T.Type) -> UnsafePointer<T> {
        inputs[index]!.assumingMemoryBound(to: type)
    }

    func output<T>(_ index: Int, as type: T.Type) -> UnsafeMutablePointer<T> {
        outputs[index].assumingMemoryBound(to: type)
    }
}

/// The per-frame work of one node: runs over bound buffers, never throws, never allocates.
public typealias OpRunner = () -> Void

/// What an operator's `prepare` returns: either constant results, or output specs plus a way to
/// bind a runner to buffers. Validation and allocation (weight packing) happen in `prepare`.
public struct PreparedOp {
    public enum Kind {
        /// The op's results are known at load (Shape, Constant, ...).
        case constants([Tensor])
        /// Output 0 is input 0 reinterpreted with a new shape (Reshape family): no work, shared buffer.
        case alias(shape: [Int])
        /// Real work at run time.
        case kernel(outputs: [ValueSpec], scratchBytes: Int, bind: (OpBuffers) -> OpRunner)
    }

    public let kind: Kind
    /// Floating-point operations per run (2 x multiply-accumulates of Conv/Gemm/MatMul), for `vigil inspect`.
    public var flops: Int = 0
    /// Set when output 0 is just the inputs laid end to end, input k at byte offset `inputOffsets[k]`
    /// (a Concat whose leading dimensions are 1): the planner may then have the producers write
    /// there directly and drop the op (see `ConcatInPlace`).
    public var inputOffsets: [Int]?

    /// The same op with its FLOP count recorded.
    public func counting(flops: Int) -> PreparedOp {
        var copy = self
        copy.flops = flops
        return copy
    }

    public static func constants(_ tensors: [Tensor]) -> PreparedOp { PreparedOp(kind: .constants(tensors)) }
    public static func alias(shape: [Int]) -> PreparedOp { PreparedOp(kind: .alias(shape: shape)) }

    public static func kernel(outputs: [ValueSpec], scratchBytes: Int = 0,
                              bind: @escaping (OpBuffers) -> OpRunner) -> PreparedOp {
        PreparedOp(kind: .kernel(outputs: outputs, scratchBytes: scratchBytes, bind: bind))
    }

    /// A kernel with one float32 output of `shape`.
    public static func floatKernel(shape: [Int], scratchBytes: Int = 0,
                                   bind: @escaping (OpBuffers) -> OpRunner) -> PreparedOp {
        .kernel(outputs: [ValueSpec(dtype: .float32, shape: shape)], scratchBytes: scratchBytes, bind: bind)
    }
}
