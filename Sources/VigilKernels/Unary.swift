#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Element-wise unary operators (ONNX Neg, Abs, Sqrt, Reciprocal, Exp, Log, Floor, Ceil, Round,
/// Sin, Cos, Erf, Sign, Softplus, Softsign). `round` is half to even, as ONNX Round.
///
/// Boolean `Not` is not a float operation and is left to the engine.
public enum UnaryOp: Sendable, Hashable {
    case neg, abs, sqrt, reciprocal, exp, log, floor, ceil, round, sin, cos, erf, sign, softplus, softsign
}

/// Applies `op` to `count` floats; `output` may be `input` (in place).
///
/// Uses the C library per element (these ops are rare in vision models and must match ONNX Runtime
/// to the last bit or two), except the cheap arithmetic ones, which vectorise.
public func unary(
    _ op: UnaryOp,
    input: UnsafePointer<Float>,  // input [count]
    output: UnsafeMutablePointer<Float>,  // output [count]
    count: Int
) {
    precondition(count >= 0, "unary: negative count \(count)")
    switch op {
    case .neg: map(input, output, count) { -$0 }
    case .abs: map(input, output, count) { Swift.abs($0) }
    case .sqrt: map(input, output, count) { $0.squareRoot() }
    case .reciprocal: map(input, output, count) { 1 / $0 }
    case .exp: map(input, output, count) { expf($0) }
    case .log: map(input, output, count) { logf($0) }
    case .floor: map(input, output, count) { $0.rounded(.down) }
    case .ceil: map(input, output, count) { $0.rounded(.up) }
    case .round: map(input, output, count) { $0.rounded(.toNearestOrEven) }
    case .sin: map(input, output, count) { sinf($0) }
    case .cos: map(input, output, count) { cosf($0) }
    case .erf: map(input, output, count) { erff($0) }
    case .sign: map(input, output, count) { $0 > 0 ? 1 : $0 < 0 ? -1 : $0.isNaN ? $0 : 0 }
    // ln(1 + e^x) without overflow: x + ln(1 + e^-x) for positive x.
    case .softplus: map(input, output, count) { $0 > 0 ? $0 + log1pf(expf(-$0)) : log1pf(expf($0)) }
    case .softsign: map(input, output, count) { $0 / (1 + Swift.abs($0)) }
    }
}

@inline(__always)
private func map(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ count: Int, _ body: (Float) -> Float) {
    for index in 0..<count { output[index] = body(input[index]) }
}
