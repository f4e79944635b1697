import Foundation
import Testing
@testable import VigilKernels

func referenceBinary(_ op: BinaryOp, _ a: Float, _ b: Float) -> Float {
    switch op {
    case .add: return a + b
    case .sub: return a - b
    case .mul: return a * b
    case .div: return a / b
    case .pow: return powf(a, b)
    case .max: return Swift.max(a, b)
    case .min: return Swift.min(a, b)
    }
}

/// Numpy broadcasting by definition: map each output index back to each operand.
func referenceBroadcast(_ op: BinaryOp, lhs: [Float], lhsShape: [Int], rhs: [Float], rhsShape: [Int], outputShape: [Int]) -> [Float] {
    let rank = outputShape.count
    func offset(_ index: [Int], _ shape: [Int]) -> Int {
        let aligned = [Int](repeating: 1, count: rank - shape.count) + shape
        let strides = stridesOf(aligned)
        return (0..<rank).reduce(0) { $0 + (aligned[$1] == 1 ? 0 : index[$1] * strides[$1]) }
    }
    return (0..<outputShape.reduce(1, *)).map { flat in
        let index = unravel(flat, outputShape)
        return referenceBinary(op, lhs[offset(index, lhsShape)], rhs[offset(index, rhsShape)])
    }
}

@Suite struct BroadcastBinaryTests {
    static let shapePairs: [([Int], [Int])] = [
        ([2, 3, 4, 5], [2, 3, 4, 5]),  // equal
        ([2, 3, 4, 5], []),  // scalar right
        ([1], [2, 3, 17]),  // scalar left
        ([2, 6, 5, 7], [6, 1, 1]),  // per-channel, rank mismatch
        ([1, 6, 1, 1], [2, 6, 5, 7]),  // per-channel on the left
        ([3, 4, 19], [19]),  // row vector
        ([3, 4, 1], [1, 1, 5]),  // outer product
        ([2, 1, 4, 1], [3, 1, 6]),  // mixed
        ([5, 1, 3], [5, 4, 3]),  // middle axis
        ([1, 1], [1, 1, 1]),  // all ones
        ([4, 0, 3], [1, 3]),  // empty
        ([2, 3, 1, 2, 1], [3, 5, 1, 7]),  // rank 5
    ]

    @Test(arguments: shapePairs.indices, [BinaryOp.add, .sub, .mul, .div, .pow, .max, .min])
    func broadcast_matchesNumpyRules(_ pair: Int, op: BinaryOp) throws {
        let (lhsShape, rhsShape) = Self.shapePairs[pair]
        let plan = try BroadcastBinary(op, lhsShape: lhsShape, rhsShape: rhsShape)
        #expect(plan.outputShape == broadcastShape([lhsShape, rhsShape]))
        var random = SeededGenerator(seed: UInt64(pair))
        // Positive bases keep Pow real.
        let lhs = random.floats(lhsShape.reduce(1, *), in: op == .pow ? 0.1...2 : -2...2)
        let rhs = random.floats(rhsShape.reduce(1, *), in: op == .div ? 0.5...2 : -2...2)
        var output = [Float](repeating: .nan, count: plan.outputShape.reduce(1, *))
        output.withUnsafeMutableBufferPointer { plan.run(lhs: lhs, rhs: rhs, output: $0.baseAddress!) }
        let expected = referenceBroadcast(
            op, lhs: lhs, lhsShape: lhsShape, rhs: rhs, rhsShape: rhsShape, outputShape: plan.outputShape)
        expectIdentical(output, expected, "\(lhsShape) \(op) \(rhsShape)")
    }

    @Test func broadcast_rejectsIncompatibleShapes() {
        #expect(throws: BroadcastError.self) { try BroadcastBinary(.add, lhsShape: [2, 3], rhsShape: [4]) }
        #expect(broadcastShape([[2, 3], [4]]) == nil)
        #expect(broadcastShape([[2, 1, 4], [3, 1], [1]]) == [2, 3, 4])
        #expect(broadcastShape([[0, 1], [1, 5]]) == [0, 5])
        #expect(broadcastShape([]) == [])
        #expect(BroadcastError(lhs: [2, 3], rhs: [4]).description.contains("[2, 3]"))
    }
}
