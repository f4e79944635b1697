/// A pointwise activation fused into a kernel's epilogue or applied on its own.
///
/// Covers the ONNX activations that follow convolutions in vision models: Relu, Sigmoid, Tanh,
/// HardSwish, LeakyRelu, Clip, HardSigmoid and Elu (https://onnx.ai/onnx/operators/).
public enum Activation: Sendable, Hashable {
    case identity, relu, sigmoid, tanh, hardSwish
    case leakyRelu(alpha: Float)
    case clip(min: Float, max: Float)
    /// max(0, min(1, alpha * x + beta)).
    case hardSigmoid(alpha: Float, beta: Float)
    case elu(alpha: Float)

    /// Applies the activation in place over `count` floats.
    public func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {  // x [count]
        precondition(count >= 0, "negative count \(count)")
        if self == .identity { return }
        accept(InPlace(values: x, count: count))
    }

    /// Calls `visitor` with the activation as a concrete vector function, so loops over it are
    /// specialised (one switch per kernel call, none per element).
    @inline(__always)
    func accept<V: ActivationVisitor>(_ visitor: V) -> V.Result {
        switch self {
        case .identity: return visitor.visit(IdentityFunction())
        case .relu: return visitor.visit(ReluFunction())
        case .sigmoid: return visitor.visit(SigmoidFunction())
        case .tanh: return visitor.visit(TanhFunction())
        case .hardSwish: return visitor.visit(HardSwishFunction())
        case .leakyRelu(let alpha): return visitor.visit(LeakyReluFunction(alpha: alpha))
        case .clip(let low, let high): return visitor.visit(ClipFunction(low: low, high: high))
        case .hardSigmoid(let alpha, let beta): return visitor.visit(HardSigmoidFunction(alpha: alpha, beta: beta))
        case .elu(let alpha): return visitor.visit(EluFunction(alpha: alpha))
        }
    }
}

/// A pointwise function on eight lanes; scalars go through the same code in lane 0.
protocol VectorFunction {
    func callAsFunction(_ x: Float8) -> Float8
}

/// Receives an activation as a concrete `VectorFunction` (see `Activation.accept`).
protocol ActivationVisitor {
    associatedtype Result
    func visit<F: VectorFunction>(_ function: F) -> Result
}

struct IdentityFunction: VectorFunction {
    @inline(__always) func callAsFunction(_ x: Float8) -> Float8 { x }
}

struct ReluFunction: VectorFunction {
    @inline(__always) func callAsFunction(_ x: Float8) -> Float8 { vmax(x, Float8()) }
}

struct SigmoidFunction: VectorFunction {
    @inline(__always) func callAsFunction(_ x: Float8) -> Float8 { 1 / (1 + vexp(-x)) }
}

struct TanhFunction: VectorFunction {
    /// tanh|x| = (1 - e^-2|x|) / (1 + e^-2|x|), sign restored afterwards; absolute error ~1e-7.
    @inline(__always) func callAsFunction(_ x: Float8) -> Float8 {
        let t = vexp(-2 * vabs(x))
        return vcopysign((1 - t) / (1 + t), x)
    }
}

struct HardSwishFunction: VectorFunction {
    /// x * max(0, min(1, x / 6 + 0.5)) (ONNX HardSwish).
    @inline(__always) func callAsFunction(_ x: Float8) -> Float8 {
        x * vmin(vmax(x * (1 / 6 as Float) + 0.5, Float8()), Float8(repeating: 1))
    }
}

struct LeakyReluFunction: VectorFunction {
    let alpha: Float
    /// max(x, 0) + alpha * min(x, 0): exact for both signs and free of blends.
    @inline(__always) func callAsFunction(_ x: Float8) -> Float8 {
        vmax(x, Float8()) + alpha * vmin(x, Float8())
    }
}

struct ClipFunction: VectorFunction {
    let low: Float
    let high: Float
    @inline(__always) func callAsFunction(_ x: Float8) -> Float8 {
        vmin(vmax(x, Float8(repeating: low)), Float8(repeating: high))
    }
}

struct HardSigmoidFunction: VectorFunction {
    let alpha: Float
    let beta: Float
    @inline(__always) func callAsFunction(_ x: Float8) -> Float8 {
        vmin(vmax(x * alpha + beta, Float8()), Float8(repeating: 1))
    }
}

struct EluFunction: VectorFunction {
    let alpha: Float
    @inline(__always) func callAsFunction(_ x: Float8) -> Float8 {
        vselect(x, negative: alpha * (vexp(x) - 1), positive: x)
    }
}

/// Applies a function over a run of floats in place, eight at a time, the tail through a partial vector.
@inline(__always)
func applyInPlace<F: VectorFunction>(_ function: F, _ values: UnsafeMutablePointer<Float>, count: Int) {
    var index = 0
    while index + 8 <= count {
        store8(function(load8(values + index)), values + index)
        index += 8
    }
    if index < count {
        let rest = count - index
        storePartial(function(loadPartial(values + index, rest)), values + index, rest)
    }
}

private struct InPlace: ActivationVisitor {
    let values: UnsafeMutablePointer<Float>
    let count: Int
    func visit<F: VectorFunction>(_ function: F) { applyInPlace(function, values, count: count) }
}
