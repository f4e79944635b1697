import Foundation
import Testing
import VigilEngine
import VigilCore
import VigilTestSupport

/// A dense row-major array in the source model's layout (NHWC for images): the operand and
/// result type of the reference ops.
struct NDArray: Equatable {
    var shape: [Int]
    var values: [Float]

    init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "\(values.count) values for shape \(shape)")
        self.shape = shape
        self.values = values
    }

    /// Seeded uniform values in `range`.
    static func random(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1) -> NDArray {
        var generator = SplitMix64(seed: seed)
        return NDArray(shape: shape, values: generator.floats(shape.reduce(1, *), in: range))
    }

    /// Every element computed from its index (in Double, rounded once to Float).
    static func build(_ shape: [Int], _ value: ([Int]) -> Double) -> NDArray {
        var values: [Float] = []
        values.reserveCapacity(shape.reduce(1, *))
        forEachIndex(shape) { values.append(Float(value($0))) }
        return NDArray(shape: shape, values: values)
    }

    /// Calls `body` with every index of `shape` in row-major order.
    static func forEachIndex(_ shape: [Int], _ body: ([Int]) -> Void) {
        let count = shape.reduce(1, *)
        guard count > 0 else { return }
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<count {
            body(index)
            advanceRowMajor(&index, in: shape)
        }
    }

    var rank: Int { shape.count }

    func offset(_ index: [Int]) -> Int {
        var offset = 0
        for (i, dim) in zip(index, shape) { offset = offset * dim + i }
        return offset
    }

    subscript(_ index: [Int]) -> Double { Double(values[offset(index)]) }

    func reshaped(_ newShape: [Int]) -> NDArray { NDArray(shape: newShape, values: values) }

    var tensor: Tensor { Tensor(shape: shape, floats: values) }
}

/// Checks an engine output against a reference: same shape, and every element within
/// `abs + rel * |expected|` (the op suite's default is 1e-5 + 1e-5 relative).
func expectClose(_ actual: Tensor?, _ expected: NDArray, abs absTol: Float = 1e-5, rel relTol: Float = 1e-5,
                 _ what: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    guard let actual else {
        Issue.record("no output \(what())", sourceLocation: sourceLocation)
        return
    }
    guard actual.shape == expected.shape else {
        Issue.record("\(what()) shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
        return
    }
    guard !expected.values.isEmpty else { return }
    let floats = actual.floats
    let (excess, at) = worstExcess(floats, expected.values, abs: absTol, rel: relTol)
    #expect(excess <= 0, "\(what()) worst at flat index \(at): \(at >= 0 ? floats[at] : .nan) vs \(at >= 0 ? expected.values[at] : .nan)",
            sourceLocation: sourceLocation)
}
