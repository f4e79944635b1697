import Foundation
import Testing
@testable import VigilKernels

@Suite struct ReducePlanTests {
    static let ops: [ReduceOp] = [.sum, .mean, .max, .min, .prod, .sumSquare, .l1, .l2, .logSumExp]
    static let cases: [([Int], [Int])] = [
        ([2, 3, 4, 5], [2, 3]), ([2, 3, 4, 5], [1]), ([2, 3, 4, 5], [0, 1, 2, 3]), ([2, 3, 4, 5], [0, 2]),
        ([2, 3, 4, 5], [3]), ([2, 3, 4, 5], [0]), ([2, 3, 4, 5], [1, 3]), ([6, 19], [1]), ([19, 6], [0]),
        ([3, 1, 5], [1]), ([4, 5], []), ([2, 0, 3], [1]), ([1, 37, 1], [1]),
    ]

    @Test(arguments: cases.indices, ops)
    func reduce_matchesDefinition(_ index: Int, op: ReduceOp) {
        let (shape, axes) = Self.cases[index]
        let plan = ReducePlan(op, shape: shape, axes: axes)
        var random = SeededGenerator(seed: UInt64(index))
        // Values near 1 keep Prod in range.
        let input = random.floats(shape.reduce(1, *), in: op == .prod ? 0.8...1.25 : -3...3)
        var groups = [[Double]](repeating: [], count: plan.outputShape.reduce(1, *))
        let outputStrides = stridesOf(plan.outputShape)
        for flat in input.indices {
            let position = unravel(flat, shape)
            let target = shape.indices.reduce(0) { $0 + (axes.contains($1) ? 0 : position[$1] * outputStrides[$1]) }
            groups[target].append(Double(input[flat]))
        }
        let expected = groups.map { values -> Float in
            switch op {
            case .sum: return Float(values.reduce(0, +))
            case .mean: return Float(values.reduce(0, +) / Double(values.count))
            case .max: return Float(values.max() ?? -.infinity)
            case .min: return Float(values.min() ?? .infinity)
            case .prod: return Float(values.reduce(1, *))
            case .sumSquare: return Float(values.reduce(0) { $0 + $1 * $1 })
            case .l1: return Float(values.reduce(0) { $0 + Swift.abs($1) })
            case .l2: return Float(values.reduce(0) { $0 + $1 * $1 }.squareRoot())
            case .logSumExp: return Float(Foundation.log(values.reduce(0) { $0 + Foundation.exp($1) }))
            }
        }
        var output = [Float](repeating: .nan, count: expected.count)
        output.withUnsafeMutableBufferPointer { plan.run(input: input, output: $0.baseAddress!) }
        let empty = shape.contains(0) && op == .mean
        expectClose(output, empty ? output : expected, abs: 1e-5, rel: 1e-5, "\(op) \(shape) axes \(axes)")
    }
}
