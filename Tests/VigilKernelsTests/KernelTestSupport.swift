import Foundation
import Testing

/// SplitMix64: a tiny seeded generator so every sweep sees the same numbers on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` floats uniform in `range`.
    mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }
}

/// Checks |actual - expected| <= abs + rel * |expected| everywhere and reports the worst element.
func expectClose(
    _ actual: [Float], _ expected: [Float], abs absTolerance: Float, rel relTolerance: Float = 0,
    extra: [Float]? = nil,  // a further tolerance per element
    _ context: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.count == expected.count else {
        Issue.record("\(context()): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    var worst: Float = 0, at = -1
    for index in actual.indices {
        let a = actual[index], e = expected[index]
        if a == e || (a.isNaN && e.isNaN) { continue }
        let excess = Swift.abs(a - e) - (absTolerance + relTolerance * Swift.abs(e) + (extra?[index] ?? 0))
        if excess > worst || excess.isNaN {
            worst = excess.isNaN ? .infinity : excess
            at = index
        }
    }
    if at >= 0 {
        Issue.record(
            "\(context()): element \(at) is \(actual[at]), expected \(expected[at]) (excess \(worst))",
            sourceLocation: sourceLocation)
    }
}

/// Checks two arrays are bit-for-bit equal (NaNs equal) and reports the first difference.
func expectIdentical(
    _ actual: [Float], _ expected: [Float], _ context: @autoclosure () -> String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectClose(actual, expected, abs: 0, rel: 0, context(), sourceLocation: sourceLocation)
}

/// C-order strides of a shape.
func stridesOf(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    for axis in stride(from: shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
    return strides
}

/// The multi-index of flat position `flat` in `shape`.
func unravel(_ flat: Int, _ shape: [Int]) -> [Int] {
    var rest = flat
    var index = [Int](repeating: 0, count: shape.count)
    for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
        index[axis] = rest % shape[axis]
        rest /= shape[axis]
    }
    return index
}
