import Foundation
import Testing
@testable import VigilKernels

@Suite struct SoftmaxTests {
    @Test(arguments: [(1, 10, 1), (3, 7, 1), (2, 33, 1), (2, 5, 3), (2, 4, 8), (1, 6, 19), (4, 1, 5)], [false, true])
    func softmax_matchesDefinition(_ shape: (Int, Int, Int), log: Bool) {
        let (outer, axis, inner) = shape
        var random = SeededGenerator(seed: 9)
        // A large offset checks the max subtraction.
        let input = random.floats(outer * axis * inner, in: -8...8).enumerated().map { $1 + ($0 % 3 == 0 ? 80 : 0) }
        var expected = [Float](repeating: 0, count: input.count)
        for o in 0..<outer {
            for i in 0..<inner {
                let indices = (0..<axis).map { (o * axis + $0) * inner + i }
                let maximum = indices.map { Double(input[$0]) }.max()!
                let sum = indices.reduce(0.0) { $0 + Foundation.exp(Double(input[$1]) - maximum) }
                for index in indices {
                    let shifted = Double(input[index]) - maximum
                    expected[index] = Float(log ? shifted - Foundation.log(sum) : Foundation.exp(shifted) / sum)
                }
            }
        }
        var output = [Float](repeating: .nan, count: input.count)
        output.withUnsafeMutableBufferPointer {
            softmax(input: input, output: $0.baseAddress!, outer: outer, axis: axis, inner: inner, log: log)
        }
        expectClose(output, expected, abs: 1e-6, rel: 2e-6, "\(shape) log \(log)")
        // In place gives the same.
        var inPlace = input
        inPlace.withUnsafeMutableBufferPointer {
            softmax(input: $0.baseAddress!, output: $0.baseAddress!, outer: outer, axis: axis, inner: inner, log: log)
        }
        expectIdentical(inPlace, output, "\(shape) log \(log) in place")
    }
}
