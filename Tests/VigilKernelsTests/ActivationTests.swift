import Foundation
import Testing
@testable import VigilKernels

/// The activations straight from the ONNX operator definitions, in Double.
func referenceActivation(_ activation: Activation, _ x: Float) -> Float {
    let v = Double(x)
    switch activation {
    case .identity: return x
    case .relu: return Swift.max(x, 0)
    case .sigmoid: return Float(1 / (1 + Foundation.exp(-v)))
    case .tanh: return Float(Foundation.tanh(v))
    case .hardSwish: return Float(v * Swift.max(0, Swift.min(1, v / 6 + 0.5)))
    case .leakyRelu(let alpha): return x < 0 ? alpha * x : x
    case .clip(let low, let high): return Swift.min(Swift.max(x, low), high)
    case .hardSigmoid(let alpha, let beta): return Float(Swift.max(0, Swift.min(1, Double(alpha) * v + Double(beta))))
    case .elu(let alpha): return x < 0 ? Float(Double(alpha) * (Foundation.exp(v) - 1)) : x
    }
}

let allActivations: [Activation] = [
    .identity, .relu, .sigmoid, .tanh, .hardSwish, .leakyRelu(alpha: 0.1), .clip(min: 0, max: 6),
    .hardSigmoid(alpha: 0.2, beta: 0.5), .elu(alpha: 1.5),
]

@Suite struct ActivationTests {
    @Test(arguments: allActivations)
    func apply_matchesDefinition(_ activation: Activation) {
        var random = SeededGenerator(seed: 7)
        // 8 * 12 + 5 values: full vectors and a tail; wide range to reach saturation and exp clamping.
        var values = random.floats(101, in: -12...12) + [0, -0, 1e-7, -1e-7, 90, -90, 3, -3]
        let expected = values.map { referenceActivation(activation, $0) }
        values.withUnsafeMutableBufferPointer { activation.apply($0.baseAddress!, count: $0.count) }
        expectClose(values, expected, abs: 2e-7, rel: 1e-6, "\(activation)")
    }

    @Test func apply_zeroCountTouchesNothing() {
        var values: [Float] = [-1]
        values.withUnsafeMutableBufferPointer { Activation.relu.apply($0.baseAddress!, count: 0) }
        #expect(values == [-1])
    }

    @Test func vexp_isAccurateOverRange() {
        var x: Float = -87
        var worst: Double = 0
        while x < 88 {
            let got = vexp(Float8(repeating: x))[3]
            let want = Foundation.exp(Double(x))
            worst = Swift.max(worst, Swift.abs(Double(got) - want) / want)
            x += 0.173
        }
        #expect(worst < 3e-7, "worst relative error \(worst)")
    }
}
