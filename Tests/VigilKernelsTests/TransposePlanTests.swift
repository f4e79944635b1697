import Testing
@testable import VigilKernels

@Suite struct TransposePlanTests {
    static let cases: [([Int], [Int])] = [
        ([5, 7], [1, 0]), ([37, 19], [1, 0]), ([2, 3, 4, 5], [0, 2, 3, 1]), ([2, 4, 5, 3], [0, 3, 1, 2]),
        ([2, 3, 4, 5], [3, 2, 1, 0]), ([2, 3, 4, 5], [1, 0, 2, 3]), ([2, 3, 4, 5], [0, 1, 2, 3]), ([1, 6, 1, 4], [3, 1, 2, 0]),
        ([3, 1, 2, 1, 4], [4, 2, 0, 3, 1]), ([7], [0]), ([], []), ([2, 0, 3], [2, 1, 0]),
    ]

    @Test(arguments: cases.indices)
    func transpose_matchesDefinition(_ index: Int) {
        let (shape, permutation) = Self.cases[index]
        let plan = TransposePlan(shape: shape, permutation: permutation)
        #expect(plan.outputShape == permutation.map { shape[$0] })
        let input = (0..<shape.reduce(1, *)).map(Float.init)
        let inputStrides = stridesOf(shape)
        let expected = (0..<input.count).map { flat -> Float in
            let index = unravel(flat, plan.outputShape)
            return input[permutation.indices.reduce(0) { $0 + index[$1] * inputStrides[permutation[$1]] }]
        }
        var output = [Float](repeating: .nan, count: input.count)
        output.withUnsafeMutableBufferPointer { plan.run(input: input, output: $0.baseAddress!) }
        expectIdentical(output, expected, "\(shape) perm \(permutation)")
    }
}
