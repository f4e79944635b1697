import VigilKernels

extension Optional where Wrapped == FusedActivation {
    /// The kernel epilogue for a fused activation (identity when none).
    var kernelActivation: Activation {
        switch self {
        case nil: return .identity
        case .relu?: return .relu
        case .leakyRelu(let alpha)?: return .leakyRelu(alpha: alpha)
        case .clip(let lo, let hi)?: return .clip(min: lo, max: hi)
        case .sigmoid?: return .sigmoid
        case .tanh?: return .tanh
        case .hardSigmoid(let alpha, let beta)?: return .hardSigmoid(alpha: alpha, beta: beta)
        case .hardSwish?: return .hardSwish
        case .elu(let alpha)?: return .elu(alpha: alpha)
        }
    }
}
