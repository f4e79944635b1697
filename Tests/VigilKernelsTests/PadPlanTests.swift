import Testing
@testable import VigilKernels

@Suite struct PadPlanTests {
    static let modes: [PadMode] = [.constant(-7), .reflect, .edge, .wrap]
    static let cases: [([Int], [Int])] = [
        ([5], [2, 3]), ([3, 4], [1, 2, 2, 1]), ([2, 3, 6, 7], [0, 0, 1, 2, 0, 0, 3, 2]), ([2, 3, 6, 7], [0, 1, -1, 2, 1, 0, 2, -3]),
        ([4, 9], [-1, -2, -2, 4]), ([3, 4], [0, 0, 0, 0]), ([2, 5], [2, 7, 1, 9]), ([1, 1, 3], [1, 1, 2, 0, 1, 1]),
    ]

    /// Crop first, then fill each new index from the cropped axis by the mode (as ONNX Runtime).
    static func source(_ o: Int, size: Int, begin: Int, end: Int, mode: PadMode) -> Int? {
        let cropBegin = max(0, -begin), kept = size - cropBegin - max(0, -end)
        var j = o - max(0, begin)
        if j >= 0 && j < kept { return cropBegin + j }
        switch mode {
        case .constant: return nil
        case .edge: j = j < 0 ? 0 : kept - 1
        case .wrap:
            while j < 0 { j += kept }
            j %= kept
        case .reflect:
            // Bounce back and forth until inside.
            while j < 0 || j >= kept {
                if kept == 1 { j = 0 } else if j < 0 { j = -j } else { j = 2 * (kept - 1) - j }
            }
        }
        return cropBegin + j
    }

    @Test(arguments: cases.indices, modes)
    func pad_matchesDefinition(_ index: Int, mode: PadMode) {
        let (shape, pads) = Self.cases[index]
        let rank = shape.count
        let plan = PadPlan(shape: shape, pads: pads, mode: mode)
        #expect(plan.outputShape == (0..<rank).map { shape[$0] + pads[$0] + pads[rank + $0] })
        let input = (0..<shape.reduce(1, *)).map { Float($0) + 0.5 }
        let strides = stridesOf(shape)
        let expected = (0..<plan.outputShape.reduce(1, *)).map { flat -> Float in
            let index = unravel(flat, plan.outputShape)
            var offset = 0
            for axis in 0..<rank {
                guard let j = Self.source(index[axis], size: shape[axis], begin: pads[axis], end: pads[rank + axis], mode: mode)
                else { return -7 }
                offset += j * strides[axis]
            }
            return input[offset]
        }
        var output = [Float](repeating: .nan, count: expected.count)
        output.withUnsafeMutableBufferPointer { plan.run(input: input, output: $0.baseAddress!) }
        expectIdentical(output, expected, "\(shape) pads \(pads) \(mode)")
    }

    @Test func pad_reflectMatchesOnnxExample() {
        // The ONNX Pad documentation's reflect example.
        let plan = PadPlan(shape: [3, 2], pads: [0, 2, 0, 0], mode: .reflect)
        var output = [Float](repeating: .nan, count: 12)
        output.withUnsafeMutableBufferPointer { plan.run(input: [1.0, 1.2, 2.3, 3.4, 4.5, 5.7], output: $0.baseAddress!) }
        #expect(output == [1.0, 1.2, 1.0, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7, 4.5, 5.7])
    }
}
